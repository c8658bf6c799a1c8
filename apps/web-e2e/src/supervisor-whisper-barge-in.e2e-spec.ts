import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { openSupervisorWall } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * A supervisor steps into an agent's live conversation from the wall: a whisper reaches the agent as
 * the supervisor's, never the customer; a barge-in reaches the customer under the supervisor's name,
 * not the agent's. Three browsers at 1280×800: the agent's inbox, the wall and the demo shop's chat.
 */
describe('supervisor whisper and barge-in, in browsers', () => {
  const { product, browser } = useProductInBrowser();
  let agent: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    const { api } = product;
    const general = await api.prisma.queue.findUniqueOrThrow({ where: { name: 'General' } });
    agent = await createUser(api, { roles: ['agent'], displayName: 'Ana Lima' });
    supervisor = await createUser(api, { roles: ['supervisor'], mfa: true, displayName: 'Sam Reyes' });
    await api.prisma.queueMember.createMany({
      data: [
        { queueId: general.id, userId: agent.id },
        { queueId: general.id, userId: supervisor.id, isSupervisor: true },
      ],
    });
  });

  /** The message whose body is `body`, in a list of messages. */
  const messageWith = (list: Locator, body: string) => list.locator('li', { hasText: body });
  const metaOf = async (item: Locator, selector: string) =>
    ((await item.locator(selector).textContent()) ?? '').trim();

  it('shows the whisper as the supervisor’s to staff only, and the barge-in under the supervisor’s name', async () => {
    const base = product.api.base;
    const { page: inbox } = await newPage(browser, base);
    await signInThroughUi(inbox, agent);
    await inbox.getByRole('region', { name: 'My conversations' }).waitFor();
    await inbox.getByRole('button', { name: 'Available' }).click();
    await inbox.locator('button[aria-pressed="true"]', { hasText: 'Available' }).waitFor();

    const { page: shop } = await newPage(browser, base);
    await shop.goto('/demo');
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('I want to talk to a human about my order');
    await shop.getByRole('button', { name: 'Send' }).click();

    const item = inbox.getByRole('region', { name: 'My conversations' }).getByRole('link').first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    const reply = 'Hi, this is Ana. Let me check your order.';
    await inbox.getByRole('textbox', { name: 'Reply' }).fill(reply);
    await inbox.getByRole('button', { name: 'Send', exact: true }).click();
    const agentMessages = inbox.getByRole('list', { name: 'Messages' });
    await messageWith(agentMessages, reply).waitFor();

    // The supervisor opens the agent's conversation on the wall, whispers, then barges in.
    const { page: wall } = await newPage(browser, base);
    await signInThroughUi(wall, supervisor);
    await openSupervisorWall(wall);
    await wall.getByRole('row').filter({ hasText: 'Ana Lima' }).getByRole('button').first().click();
    const whisper = 'Offer the customer the delivery voucher.';
    await wall.getByRole('textbox', { name: 'Whisper to the agent' }).fill(whisper);
    await wall.getByRole('button', { name: 'Send whisper' }).click();
    const wallMessages = wall.getByRole('log', { name: 'Messages' });
    await messageWith(wallMessages, whisper).waitFor();
    expect(await metaOf(messageWith(wallMessages, whisper), '.sv-msg__meta strong')).toBe(
      'Whisper from you · staff only',
    );
    expect(await metaOf(messageWith(wallMessages, reply), '.sv-msg__meta strong')).toBe('Ana Lima');

    const barge = 'Hello, I am Sam, the team lead. We will sort this out today.';
    await wall.getByRole('button', { name: 'Barge in…' }).click();
    await wall.getByRole('textbox', { name: 'Message to the customer' }).fill(barge);
    await wall.getByRole('button', { name: 'Send to the customer' }).click();
    await messageWith(wallMessages, barge).waitFor();

    // The agent reads both as the supervisor's, the whisper styled apart from an internal note.
    await messageWith(agentMessages, barge).waitFor();
    const agentWhisper = messageWith(agentMessages, whisper);
    expect(await metaOf(agentWhisper, '.message__meta')).toMatch(/^Whisper from Sam Reyes · staff only · /);
    expect(await agentWhisper.getAttribute('class')).toContain('message--kind-whisper');
    expect(await agentWhisper.getAttribute('class')).not.toContain('message--note');
    expect(await metaOf(messageWith(agentMessages, barge), '.message__meta')).toMatch(
      /^Sam Reyes \(supervisor\) wrote to the customer · /,
    );
    expect(await metaOf(messageWith(agentMessages, reply), '.message__meta')).toMatch(/^You · /);

    // The customer sees the barge-in under the supervisor's name, the reply under the agent's, and
    // never the whisper (written before the barge-in, so it would be on screen by now).
    const chat = shop.getByRole('log', { name: 'Messages' });
    await messageWith(chat, barge).waitFor();
    expect(await metaOf(messageWith(chat, barge), '.author')).toBe('Sam Reyes');
    expect(await metaOf(messageWith(chat, reply), '.author')).toBe('Ana Lima');
    // Anywhere on the page: Playwright's locators see into the widget's shadow root.
    expect(await shop.getByText(whisper).count()).toBe(0);
  });
});
