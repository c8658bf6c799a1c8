import type { Page } from 'playwright-core';
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationsService } from '../../api/src/modules/conversations/conversations.service.js';
import { RoutingEngine } from '../../api/src/modules/routing/routing.engine.js';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { goAvailable, myConversations, openSupervisorWall } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * A new team's first transfers: an agent hands a conversation to a colleague chosen by presence and
 * load, the colleague puts it back in the queue and it does not boomerang to them, and a supervisor
 * watching "why was this routed here?" sees each step arrive, with every queue member named.
 */
describe('transfers and "why routed", in browsers', () => {
  const { product, browser } = useProductInBrowser();
  let ana: TestUser;
  let bruno: TestUser;
  let sam: TestUser;
  let queueId: string;
  const queueName = `Billing ${randomBytes(3).toString('hex')}`;
  const adminName = 'Alex Admin';

  beforeAll(async () => {
    const { api } = product;
    ana = await createUser(api, { roles: ['agent'], displayName: 'Ana Lima' });
    bruno = await createUser(api, { roles: ['agent'], displayName: 'Bruno Costa' });
    sam = await createUser(api, { roles: ['supervisor'], mfa: true, displayName: 'Sam Reyes' });
    // An administrator who is a member of the queue but never works it as an agent.
    const admin = await createUser(api, { roles: ['admin'], mfa: true, displayName: adminName });
    queueId = (await api.prisma.queue.create({ data: { name: queueName } })).id;
    await api.prisma.queueMember.createMany({
      data: [
        { queueId, userId: ana.id },
        { queueId, userId: bruno.id },
        { queueId, userId: admin.id },
        { queueId, userId: sam.id, isSupervisor: true },
      ],
    });
  });

  const openTransfer = async (page: Page) => {
    await myConversations(page).getByRole('link').first().click();
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    return page.getByRole('dialog', { name: 'Transfer conversation' });
  };

  it('transfers to a colleague and back to the queue, and the supervisor sees why, live', async () => {
    const { api } = product;
    const base = api.base;
    const { page: anaPage } = await newPage(browser, base);
    await signInThroughUi(anaPage, ana);
    await goAvailable(anaPage);

    // A customer handed off to the queue: Ana is the only one available, so she gets it.
    const channel = await api.prisma.channel.create({
      data: { kind: 'webchat', name: `web-${randomUUID()}` },
    });
    const contact = await api.prisma.contact.create({
      data: { channelId: channel.id, externalId: randomUUID() },
    });
    const created = await api.prisma.conversation.create({
      data: { channelId: channel.id, contactId: contact.id },
    });
    await api.app
      .get(ConversationsService)
      .handoff(created.id, { queueId, reason: 'customer_asked', summary: 'Charged twice' });
    // Routing follows the handoff's commit.
    await api.app.get(RoutingEngine).idle();
    const conversation = await api.prisma.conversation.findUniqueOrThrow({ where: { id: created.id } });
    expect(conversation.assigneeId).toBe(ana.id);
    await myConversations(anaPage).getByRole('link').first().waitFor();

    // The supervisor opens it on the wall and asks why it went to Ana.
    const { page: wall } = await newPage(browser, base);
    await signInThroughUi(wall, sam);
    await openSupervisorWall(wall);
    await wall.getByRole('row').filter({ hasText: 'Ana Lima' }).getByRole('button').first().click();
    await wall.getByRole('button', { name: 'Why was this routed here?' }).click();
    const why = wall.getByRole('list', { name: 'Routing decisions, newest first' });
    await why.locator('li', { hasText: '→ Ana Lima' }).waitFor();
    // The admin member is named like everyone else, not taken for a stranger.
    await why.getByRole('row').filter({ hasText: adminName }).waitFor();
    expect(await why.textContent()).not.toContain('outside your queues');

    // Bruno comes online; Ana transfers to him, seeing his presence and load.
    const { page: brunoPage } = await newPage(browser, base);
    await signInThroughUi(brunoPage, bruno);
    await goAvailable(brunoPage);
    const dialog = await openTransfer(anaPage);
    await dialog.getByRole('radio', { name: 'A colleague' }).check();
    const brunoChoice = dialog.locator('label', { hasText: 'Bruno Costa' });
    await brunoChoice.waitFor();
    expect(await brunoChoice.textContent()).toMatch(/Available.*0\/\d+/);
    await dialog.getByRole('radio', { name: /Bruno Costa/ }).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await myConversations(brunoPage).getByRole('link').first().waitFor();

    // The supervisor's explanation follows without a click.
    await why.locator('li', { hasText: '→ Bruno Costa' }).filter({ hasText: 'Transfer' }).waitFor();

    // Bruno puts it back in its queue: it goes to Ana, not straight back to him.
    const back = await openTransfer(brunoPage);
    await back.getByLabel('Queue', { exact: true }).selectOption({ label: `${queueName} (its queue now)` });
    await back.getByRole('button', { name: 'Transfer', exact: true }).click();
    await why.locator('li', { hasText: 'by Bruno Costa' }).filter({ hasText: 'Transferred away' }).waitFor();
    const rerouted = why.locator('li', { hasText: '→ Ana Lima' }).first();
    await rerouted.getByRole('row').filter({ hasText: 'transferred this conversation away' }).waitFor();
    expect(await api.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toMatchObject(
      {
        status: 'assigned',
        assigneeId: ana.id,
      },
    );
  });
});
