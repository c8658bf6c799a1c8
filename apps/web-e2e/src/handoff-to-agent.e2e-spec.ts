import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { newPage, screenshot } from './support/browser.js';
import { goAvailable, myConversations, openSupervisorWall } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * The day-to-day loop across three browsers: a customer on the demo shop's chat asks for a person,
 * an agent gets the conversation with the bot's handoff brief and answers, the customer sees the
 * answer, and a supervisor moves the conversation to another agent from the wall.
 */
describe('handoff from the widget to an agent, in browsers', () => {
  const { product, browser } = useProductInBrowser();
  let agent: TestUser;
  let colleague: TestUser;
  let supervisor: TestUser;
  const names = new Map<TestUser, string>();
  const displayName = (user: TestUser) => names.get(user)!;

  beforeAll(async () => {
    const { api } = product;
    const general = await api.prisma.queue.findUniqueOrThrow({ where: { name: 'General' } });
    const staff = async (roles: string[], name: string) => {
      const user = await createUser(api, { roles, mfa: roles.includes('supervisor'), displayName: name });
      names.set(user, name);
      return user;
    };
    agent = await staff(['agent'], 'Ana Lima');
    colleague = await staff(['agent'], 'Bruno Costa');
    supervisor = await staff(['supervisor'], 'Sam Reyes');
    await api.prisma.queueMember.createMany({
      data: [
        { queueId: general.id, userId: agent.id },
        { queueId: general.id, userId: colleague.id },
        { queueId: general.id, userId: supervisor.id, isSupervisor: true },
      ],
    });
  });

  it('an agent answers a handed-off widget conversation, live, and a supervisor reassigns it', async () => {
    const base = product.api.base;
    const { page: agentPage } = await newPage(browser, base);
    await signInThroughUi(agentPage, agent);
    await myConversations(agentPage).waitFor();
    await goAvailable(agentPage);

    // The customer, on the demo shop, asks the bot for a person.
    const { page: shop } = await newPage(browser, base);
    await shop.goto('/demo');
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('I want to talk to a human about my order');
    await shop.getByRole('button', { name: 'Send' }).click();

    // The agent gets it with the bot's brief at the top.
    const item = myConversations(agentPage).getByRole('link').first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    const handoff = agentPage.getByRole('region', { name: 'Handoff' });
    await handoff.waitFor();
    expect(await handoff.textContent()).toMatch(/customer asked/i);

    const reply = 'Hi, this is Ana from support. Let me look at your order.';
    await agentPage.getByRole('textbox', { name: 'Reply' }).fill(reply);
    await agentPage.getByRole('button', { name: 'Send', exact: true }).click();
    await agentPage.getByRole('list', { name: 'Messages' }).getByText(reply).waitFor();

    // The customer sees the answer and who is helping.
    await shop.getByRole('log', { name: 'Messages' }).getByText(reply).waitFor();
    await screenshot(shop, 'widget');

    // An internal note stays with the staff.
    await agentPage.getByRole('radio', { name: 'Internal note' }).check();
    await agentPage
      .getByRole('textbox', { name: 'Internal note (staff only)' })
      .fill('Order 1042 looks delayed at the warehouse.');
    await agentPage.getByRole('button', { name: 'Add note' }).click();
    await agentPage.locator('.message--note', { hasText: 'Order 1042' }).waitFor();
    await screenshot(agentPage, 'inbox');

    // The supervisor moves it to a colleague from the wall.
    const { page: colleaguePage } = await newPage(browser, base);
    await signInThroughUi(colleaguePage, colleague);
    await goAvailable(colleaguePage);

    const { page: wall } = await newPage(browser, base);
    await signInThroughUi(wall, supervisor);
    await openSupervisorWall(wall);
    const agentRow = wall.getByRole('row').filter({ hasText: displayName(agent) });
    await agentRow.getByRole('button').first().click();
    await wall.getByRole('button', { name: 'Reassign' }).click();
    const target = wall.getByLabel('Reassign to');
    await target.selectOption(
      (await target.locator('option', { hasText: displayName(colleague) }).getAttribute('value')) ?? '',
    );
    await wall.getByRole('button', { name: 'Reassign conversation' }).click();
    await wall
      .getByRole('row')
      .filter({ hasText: displayName(colleague) })
      .getByRole('button')
      .first()
      .waitFor();
    await screenshot(wall, 'supervisor-wall');

    // The colleague now holds it, with the whole history, and the note.
    await myConversations(colleaguePage).getByRole('link').first().click();
    await colleaguePage.getByRole('list', { name: 'Messages' }).getByText(reply).waitFor();
    await colleaguePage.locator('.message--note', { hasText: 'Order 1042' }).waitFor();
  });

  it('an agent sees no administration menu, and a direct link to it says "Not allowed"', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, agent);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Inbox' }).count()).toBe(1);
    for (const admin of ['Users', 'Roles', 'Audit log', 'Security settings', 'Supervisor wall']) {
      expect(await nav.getByRole('link', { name: admin }).count()).toBe(0);
    }
    await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await page.goto('/admin/audit');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    // The server refuses the data too, whatever the SPA shows.
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(status).toBe(403);
  });
});
