import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationsService } from '../../api/src/modules/conversations/conversations.service.js';
import { createUser, signIn, type Client, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * An admin disables an agent who is at work: the agent's open tab must not go on looking available
 * (replies spinning, a customer waiting on nobody). It returns to the sign-in screen, saying why.
 */
describe('a disabled agent’s open tab, in a browser', () => {
  // A long grace period: nothing here may depend on it.
  const { product, browser } = useProductInBrowser({ AGENT_DISCONNECT_GRACE_SECONDS: '3600' });
  let agent: TestUser;
  let admin: Client;
  let queueId: string;
  let channelId: string;

  beforeAll(async () => {
    const { api } = product;
    admin = await signIn(api, await createUser(api, { roles: ['admin'], mfa: true }));
    agent = await createUser(api, { roles: ['agent'], displayName: 'Ana Lima' });
    queueId = (await api.prisma.queue.create({ data: { name: `Support ${randomUUID().slice(0, 8)}` } })).id;
    await api.prisma.queueMember.create({ data: { queueId, userId: agent.id } });
    channelId = (
      await api.prisma.channel.create({
        data: { kind: 'webchat', name: `Account chat ${randomUUID().slice(0, 8)}` },
      })
    ).id;
  });

  it('shows the sign-in screen with the reason at once, without a reload', async () => {
    const { api } = product;
    const { page } = await newPage(browser, api.base);
    await signInThroughUi(page, agent);
    const mine = page.getByRole('region', { name: 'My conversations' });
    await mine.waitFor();
    await page.getByRole('button', { name: 'Available' }).click();
    await page.locator('button[aria-pressed="true"]', { hasText: 'Available' }).waitFor();

    // A customer is handed to the queue and routed to the agent.
    const contact = await api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
    const created = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
    await api.app.get(ConversationsService).handoff(created.id, { queueId, reason: 'customer_asked' });
    await mine.getByRole('link').first().waitFor();

    let reloaded = false;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) reloaded = true;
    });
    const disabledAt = Date.now();
    expect((await admin.post(`/api/v1/users/${agent.id}/disable`)).status).toBe(200);

    const notice = page.getByRole('status').filter({ hasText: 'disabled by an administrator' });
    await notice.waitFor({ timeout: 5_000 });
    const took = Date.now() - disabledAt;
    expect(await notice.textContent()).toBe('Your account was disabled by an administrator.');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(reloaded).toBe(false);
    expect(took).toBeLessThan(5_000);
  });
});
