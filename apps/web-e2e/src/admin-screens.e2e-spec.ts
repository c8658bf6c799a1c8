import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { launchBrowser, newPage } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * The admin console's lists and forms: every screen opens with its table (named for screen readers)
 * and a clean console, and the forms check what is typed against the shared contracts, show each
 * problem beside its field, and save what the table then lists.
 */
describe('admin screens, in a browser', () => {
  let product: Product;
  let browser: Browser;
  // One admin per flow: an authenticator code is single-use, and the flows sign in seconds apart.
  let viewer: TestUser;
  let cannedAdmin: TestUser;
  let membersAdmin: TestUser;
  let keysAdmin: TestUser;
  let rolesAdmin: TestUser;
  const membersAdminName = `Members admin ${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
    const adminUser = (displayName?: string) =>
      createUser(product.api, { roles: ['admin'], mfa: true, displayName });
    [viewer, cannedAdmin, membersAdmin, keysAdmin, rolesAdmin] = await Promise.all([
      adminUser(),
      adminUser(),
      adminUser(membersAdminName),
      adminUser(),
      adminUser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  const open = async (page: Page, label: string) => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: label, exact: true })
      .click();
    await page.getByRole('heading', { name: label, exact: true }).waitFor();
  };

  it('opens every admin screen with its table and logs no error', async () => {
    const { page } = await newPage(browser, product.api.base);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await signInThroughUi(page, viewer);

    // Lists that are never empty on a seeded install show their table, found by its caption.
    for (const [label, table] of [
      ['Users', 'Users'],
      ['Roles', 'Roles'],
      ['Access review', 'Accounts under review'],
      ['Audit log', 'Audit events, newest first'],
    ] as const) {
      await open(page, label);
      await page.getByRole('table', { name: table }).waitFor();
    }
    const me = page.getByRole('table', { name: 'Users' });
    await open(page, 'Users');
    await me
      .getByRole('row')
      .filter({ hasText: viewer.email })
      .getByRole('link', { name: /^Manage / })
      .waitFor();

    for (const label of ['Queues', 'Channels', 'Bots', 'Knowledge base', 'Canned responses', 'API keys']) {
      await open(page, label);
      await page.waitForLoadState('networkidle');
    }
    expect(problems).toEqual([]);
  });

  it('refuses a canned response shortcut already in use, beside the field, before saving', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, cannedAdmin);
    await open(page, 'Canned responses');
    const shortcut = `e2e-${randomBytes(3).toString('hex')}`;

    await page.getByRole('button', { name: 'New canned response' }).click();
    const create = page.getByRole('dialog', { name: 'New canned response' });
    // Typed the way people do: with the slash and a capital, both forgiven.
    await create.getByLabel('Shortcut').fill(`/${shortcut.toUpperCase()}`);
    await create.getByText(`Agents type /${shortcut}`).waitFor();
    await create.getByLabel('Title').fill('Refund policy');
    await create.getByLabel('Text').fill('Refunds take five working days.');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'hidden' });
    const row = page
      .getByRole('table', { name: 'Canned responses' })
      .getByRole('row')
      .filter({ hasText: `/${shortcut}` });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Refund policy');

    await page.getByRole('button', { name: 'New canned response' }).click();
    const again = page.getByRole('dialog', { name: 'New canned response' });
    const field = again.getByLabel('Shortcut');
    await field.fill(shortcut);
    await again.getByText(`/${shortcut} is already used by another canned response.`).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await again.getByRole('button', { name: 'Cancel' }).click();
    await again.waitFor({ state: 'hidden' });

    // The flows share one product: leave nothing behind.
    await row.getByRole('button', { name: `Delete /${shortcut}` }).click();
    await page.getByRole('button', { name: 'Delete canned response' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('adds a queue member with skills as typed, then removes them', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, membersAdmin);
    await open(page, 'Queues');
    const name = `Members desk ${randomBytes(3).toString('hex')}`;
    await page.getByRole('button', { name: 'New queue' }).click();
    const create = page.getByRole('dialog', { name: 'New queue' });
    await create.getByLabel('Name').fill(name);
    await create.getByRole('button', { name: 'Create queue' }).click();
    const row = page.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.textContent()).toContain('No members');

    await row.getByRole('button', { name: `Members of ${name}` }).click();
    const members = page.getByRole('dialog', { name: `Members of ${name}` });
    await members.getByLabel('Add a member').selectOption(membersAdmin.id);
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await members.getByLabel(`Skills of ${membersAdminName}`).fill('Returns, German, returns');
    await members.getByRole('button', { name: 'Save members' }).click();
    await members.waitFor({ state: 'hidden' });
    expect(await row.getByRole('cell').nth(5).textContent()).toBe('1');

    await row.getByRole('button', { name: `Members of ${name}` }).click();
    expect(await members.getByLabel(`Skills of ${membersAdminName}`).inputValue()).toBe('returns, german');
    await members.getByRole('button', { name: `Remove ${membersAdminName}` }).click();
    await members.getByRole('button', { name: 'Save members' }).click();
    await members.waitFor({ state: 'hidden' });
    expect(await row.textContent()).toContain('No members');

    await row.getByRole('button', { name: `Archive ${name}` }).click();
    await page.getByRole('button', { name: 'Archive queue' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('creates an API key once a scope is chosen, shows it once, and revokes it', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, keysAdmin);
    await open(page, 'API keys');
    const name = `E2E bot ${randomBytes(3).toString('hex')}`;

    await page.getByRole('button', { name: 'New API key' }).click();
    const create = page.getByRole('dialog', { name: 'New API key' });
    await create.getByLabel('Name', { exact: true }).fill(name);
    await create.getByRole('checkbox', { name: /handoff:write/ }).uncheck();
    await create.getByRole('button', { name: 'Create key' }).click();
    await create.getByText('Choose at least one scope.').waitFor();
    await create.getByRole('checkbox', { name: /handoff:write/ }).check();
    await create.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: `API key “${name}” created` });
    await shown.getByRole('button', { name: 'Copy key' }).waitFor();
    await shown.getByLabel('I have stored the key somewhere safe').check();
    await shown.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Active');

    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    // Revoked keys are hidden unless asked for.
    await row.waitFor({ state: 'detached' });
  });

  it('creates a role with its name lowered as typed, renames an account, then deletes the role', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, rolesAdmin);
    await open(page, 'Roles');
    const role = `auditors-${randomBytes(3).toString('hex')}`;

    await page.getByRole('button', { name: 'New role' }).click();
    const create = page.getByRole('dialog', { name: 'New role' });
    await create.getByLabel('Name').fill(role.toUpperCase());
    expect(await create.getByLabel('Name').inputValue()).toBe(role);
    await create.getByRole('checkbox', { name: 'audit:read' }).check();
    await create.getByText('1 of').waitFor();
    await create.getByRole('button', { name: 'Create role' }).click();
    await create.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Roles' }).getByRole('row').filter({ hasText: role });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('audit:read');

    // The admin's own account (a role change would sign them out, so only the name changes here).
    await open(page, 'Users');
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('row')
      .filter({ hasText: rolesAdmin.email })
      .getByRole('link', { name: /^Manage / })
      .click();
    const account = page.getByRole('dialog');
    const renamed = `Roles admin ${randomBytes(3).toString('hex')}`;
    await account.getByLabel('Display name').fill(renamed);
    await account.getByRole('button', { name: 'Save name' }).click();
    await account.getByRole('status').filter({ hasText: 'Name saved.' }).waitFor();
    await page.getByRole('dialog', { name: renamed }).waitFor();
    await account.getByRole('button', { name: 'Close' }).click();

    await open(page, 'Roles');
    await row.getByRole('button', { name: `Edit role ${role}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit role ${role}` });
    await edit.getByRole('button', { name: 'Delete role' }).click();
    await edit.getByRole('button', { name: 'Delete role' }).click();
    await row.waitFor({ state: 'detached' });
  });
});
