import type { Conversation } from '@baton/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentsService } from '../../api/src/modules/agents/agents.service.js';
import { ConversationsService } from '../../api/src/modules/conversations/conversations.service.js';
import { CustomerConversationsService } from '../../api/src/modules/conversations/customer-conversations.service.js';
import { createUser, eventually, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { goAvailable, myConversations } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * What a new support team meets in its first hour with the inbox: the newest message in view above
 * the reply box, load and lists that follow the live state, and screens that work on a phone.
 */
describe('the inbox in its first hour, in a browser', () => {
  const { product, browser } = useProductInBrowser();
  let queue: { id: string };
  let channelId: string;

  beforeAll(async () => {
    const { api } = product;
    queue = await api.prisma.queue.create({ data: { name: `first-hour-${randomBytes(3).toString('hex')}` } });
    channelId = (await api.prisma.channel.create({ data: { kind: 'webchat', name: 'Shop chat' } })).id;
  });

  async function agentInQueue(): Promise<TestUser> {
    const { api } = product;
    const agent = await createUser(api, { roles: ['agent'] });
    await api.prisma.agentState.create({ data: { userId: agent.id, capacity: 5 } });
    await api.prisma.queueMember.create({ data: { queueId: queue.id, userId: agent.id } });
    return agent;
  }

  /** A customer whose conversation the bot hands to the queue. */
  async function handoff(summary = 'Customer asked for a person') {
    const { api } = product;
    const contact = await api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
    const created = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
    const conversation: Conversation = await api.app
      .get(ConversationsService)
      .handoff(created.id, { queueId: queue.id, reason: 'customer_asked', summary });
    const writes = (body: string) =>
      api.app
        .get(CustomerConversationsService)
        .send(
          { contactId: contact.id, channelId },
          { conversationId: conversation.id, body, clientMessageId: randomUUID() },
        );
    return { conversation, writes };
  }

  const box = async (locator: Locator) => {
    const b = await locator.boundingBox();
    if (!b) throw new Error('not rendered');
    return b;
  };
  /** How far the page, or the main area that scrolls inside it, is wider than the window (px). */
  const overflowOf = (page: Page) =>
    page.evaluate(() => {
      const main = document.querySelector('main');
      return Math.max(
        document.documentElement.scrollWidth - window.innerWidth,
        main ? main.scrollWidth - main.clientWidth : 0,
      );
    });
  /** The element that scrolls the messages (the nearest scrollable ancestor of the list). */
  const scrollerTop = (page: Page) =>
    page.getByRole('list', { name: 'Messages' }).evaluate((el) => {
      let node: Element | null = el;
      while (
        node &&
        !(node.scrollHeight > node.clientHeight && getComputedStyle(node).overflowY !== 'visible')
      )
        node = node.parentElement;
      return node ? node.scrollTop : -1;
    });

  it('keeps the newest message in view above the reply box, and marks new messages while scrolled up', async () => {
    const agent = await agentInQueue();
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, agent);
    await goAvailable(page);
    const { conversation, writes } = await handoff();
    await myConversations(page).getByRole('link').first().click();
    await page.waitForURL(`**/inbox/${conversation.id}`);
    for (let i = 1; i <= 30; i++) await writes(`Line ${i} of my long story about the order.`);

    const messages = page.getByRole('list', { name: 'Messages' });
    const newest = messages.getByText('Line 30 of my long story');
    await newest.waitFor();
    const composer = page.getByRole('textbox', { name: 'Reply' });
    const header = page.locator('.conversation__header');
    const resolve = page.getByRole('button', { name: 'Resolve' });

    const inView = async () => {
      const [m, c, h] = await Promise.all([box(newest), box(composer), box(header)]);
      return m.y >= h.y + h.height && m.y + m.height <= c.y;
    };
    expect(await eventually(inView, Boolean)).toBe(true);
    // The header, with its actions, stays on screen.
    const h = await box(header);
    expect(h.y).toBeGreaterThanOrEqual(0);
    expect(await resolve.isVisible()).toBe(true);
    expect((await box(resolve)).y).toBeGreaterThanOrEqual(0);

    // Scrolled up to read, a new message does not pull the list down: a marker says it came.
    await messages.getByText('Line 1 of my long story').scrollIntoViewIfNeeded();
    const c0 = await box(composer);
    await page.mouse.move(c0.x + c0.width / 2, c0.y - 150);
    await page.mouse.wheel(0, -5000);
    const top = await eventually(
      () => scrollerTop(page),
      (t) => t === 0,
    );
    expect(top).toBe(0);
    await writes('Are you still there?');
    const marker = page.getByRole('button', { name: /new messages/i });
    await marker.waitFor();
    expect(await scrollerTop(page)).toBe(0);

    await marker.click();
    const latest = messages.getByText('Are you still there?');
    const latestInView = async () => {
      const [m, c] = await Promise.all([box(latest), box(composer)]);
      return m.y + m.height <= c.y && m.y >= 0;
    };
    expect(await eventually(latestInView, Boolean)).toBe(true);
    expect(
      await eventually(
        () => marker.count(),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('shows the live load and lists: assigned, resolved and set away by the server', async () => {
    const agent = await agentInQueue();
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, agent);
    // A new agent is offline until they choose, and the inbox says so.
    await page.locator('button[aria-pressed="true"]', { hasText: 'Offline' }).waitFor();
    const offline = page.getByRole('status').filter({ hasText: 'You are offline' });
    await offline.waitFor();
    await goAvailable(page);
    await offline.waitFor({ state: 'detached' });
    const load = page.getByText(/^Load \d+ \/ 5$/);
    expect(await load.textContent()).toBe('Load 0 / 5');

    const { conversation, writes } = await handoff('Where is my parcel?');
    await myConversations(page).getByRole('link').first().waitFor();
    expect(
      await eventually(
        () => load.textContent(),
        (t) => t === 'Load 1 / 5',
      ),
    ).toBe('Load 1 / 5');

    // The arrival shows in the tab title and in a toast; the row says where the customer wrote from,
    // their last words, and that they are unread.
    const toast = page.locator('.toast', { hasText: 'New conversation assigned' });
    await toast.waitFor();
    expect(
      await eventually(
        () => page.title(),
        (t) => t === '(1) Inbox · Baton',
      ),
    ).toBe('(1) Inbox · Baton');
    await writes('It was due on Monday and still has not arrived.');
    const row = myConversations(page).getByRole('link').first();
    await row.filter({ hasText: 'It was due on Monday' }).waitFor();
    expect(await row.textContent()).toContain('Visitor on Shop chat');
    expect(await row.getByLabel('1 unread').count()).toBe(1);

    await toast.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(`**/inbox/${conversation.id}`);
    await toast.waitFor({ state: 'detached' });
    expect(
      await eventually(
        () => page.title(),
        (t) => t === 'Inbox · Baton',
      ),
    ).toBe('Inbox · Baton');
    // The customer panel speaks in words; ids wait under "Technical details".
    const customer = page.getByRole('complementary', { name: 'Customer' });
    await customer.getByText('Went straight to the queue').waitFor();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('button', { name: 'Resolve conversation' }).click();
    expect(
      await eventually(
        () => load.textContent(),
        (t) => t === 'Load 0 / 5',
      ),
    ).toBe('Load 0 / 5');
    // A resolved conversation is no longer mine to work.
    expect(
      await eventually(
        () => myConversations(page).getByRole('link').count(),
        (n) => n === 0,
      ),
    ).toBe(0);
    expect(await myConversations(page).getByRole('heading').textContent()).toMatch(/My conversations\s*0/);

    // The server sets an idle agent away: the switch follows without a reload.
    await product.api.app.get(AgentsService).awayWhenIdle(new Date(Date.now() + 24 * 3600_000));
    await page.locator('button[aria-pressed="true"]', { hasText: 'Away' }).waitFor();
  });

  it('gives an admin a getting-started checklist ticked from the real setup, until dismissed', async () => {
    const admin = await createUser(product.api, { roles: ['admin'], mfa: true });
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, admin);
    await page.goto('/supervisor');
    const checklist = page.getByRole('region', { name: 'Getting started' });
    await checklist.waitFor();
    const step = (text: string) => checklist.getByRole('listitem').filter({ hasText: text });
    // Agents exist and sit in queues (this suite made some); origins depend on who seeded the demo channel.
    expect(await step('Invite your agents').textContent()).toContain('(done)');
    expect(await step('Add them to a queue').textContent()).toContain('(done)');
    const webchats = await product.api.prisma.channel.findMany({ where: { kind: 'webchat' } });
    const originsSet = webchats.some(
      (c) => ((c.config as { allowedOrigins?: string[] }).allowedOrigins ?? []).length > 0,
    );
    expect((await step('allowed origins').textContent())?.includes('(done)')).toBe(originsSet);
    expect(await step('demo page').textContent()).not.toContain('(done)');

    await checklist.getByRole('button', { name: 'Dismiss' }).click();
    await checklist.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'Supervisor wall' }).waitFor();
    await page.getByRole('region', { name: 'Queues' }).waitFor();
    expect(await checklist.count()).toBe(0);
  });

  for (const width of [390, 768]) {
    it(`works on a ${width} px wide screen: one pane at a time, with a way back`, async () => {
      const agent = await agentInQueue();
      const supervisor = await createUser(product.api, { roles: ['supervisor'], mfa: true });
      await product.api.prisma.queueMember.create({
        data: { queueId: queue.id, userId: supervisor.id, isSupervisor: true },
      });
      const context = await browser.newContext({
        baseURL: product.api.base,
        viewport: { width, height: 800 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const overflow = () => overflowOf(page);

      await signInThroughUi(page, agent);
      await goAvailable(page);
      const { writes } = await handoff('Refund for a broken kettle');
      await writes('Hello, my kettle arrived broken.');
      const item = myConversations(page).getByRole('link').first();
      await item.waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);

      await item.click();
      const composer = page.getByRole('textbox', { name: 'Reply' });
      await composer.waitFor();
      await page.getByRole('list', { name: 'Messages' }).getByText('my kettle arrived broken').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      const pane = await box(page.getByRole('region', { name: 'Conversation', exact: true }));
      expect(pane.width).toBeGreaterThanOrEqual(Math.min(width, 768) * 0.6);
      const c = await box(composer);
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.x + c.width).toBeLessThanOrEqual(width);
      expect(c.width).toBeGreaterThanOrEqual(200);
      await composer.fill('Sorry to hear that, I will send a new one.');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('list', { name: 'Messages' }).getByText('I will send a new one').waitFor();

      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await myConversations(page).getByRole('link').first().waitFor();
      expect(await myConversations(page).isVisible()).toBe(true);
      expect(await overflow()).toBeLessThanOrEqual(0);

      // The supervisor wall at the same width.
      const wallContext = await browser.newContext({
        baseURL: product.api.base,
        viewport: { width, height: 800 },
      });
      const wall = await wallContext.newPage();
      wall.setDefaultTimeout(15_000);
      await signInThroughUi(wall, supervisor);
      await wall.goto('/supervisor');
      const agentRow = wall
        .getByRole('row')
        .filter({ hasText: agent.email.slice(0, agent.email.indexOf('@')) });
      await agentRow.waitFor();
      expect(await overflowOf(wall)).toBeLessThanOrEqual(0);
      const row = await box(agentRow);
      expect(row.width).toBeGreaterThan(0);
      await agentRow.getByRole('button').first().click();
      const panel = wall.locator('.sv-panel');
      await panel.waitFor();
      const p = await box(panel);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x + p.width).toBeLessThanOrEqual(width + 1);
      expect(await overflowOf(wall)).toBeLessThanOrEqual(0);
      await wallContext.close();
      await context.close();
    });
  }
});
