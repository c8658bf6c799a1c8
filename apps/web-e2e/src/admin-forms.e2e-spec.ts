import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * The admin forms check what they send against the shared contracts before the API does, and a screen
 * whose code cannot be downloaded says so instead of leaving the page blank.
 */
describe('admin forms and failing screens, in a browser', () => {
  const { product, browser } = useProductInBrowser();
  // One admin per flow: an authenticator code is single-use, and the flows sign in seconds apart.
  let queueAdmin: TestUser;
  let settingsAdmin: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    const adminUser = () => createUser(product.api, { roles: ['admin'], mfa: true });
    [queueAdmin, settingsAdmin, admin] = await Promise.all([adminUser(), adminUser(), adminUser()]);
  });

  it('creates and edits a queue through its form, skills and targets as typed', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, queueAdmin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('heading', { name: 'Queues' }).waitFor();

    await page.getByRole('button', { name: 'New queue' }).click();
    const dialog = page.getByRole('dialog', { name: 'New queue' });
    await dialog.getByLabel('Name').fill('Returns desk');
    await dialog.getByLabel('Priority').fill('5');
    await dialog.getByLabel('Required skills').fill('Returns, German, returns');
    await dialog.getByLabel('Resolution within', { exact: true }).fill('2');
    await dialog.getByLabel('Resolution within unit').selectOption({ label: 'hours' });
    await dialog.getByRole('button', { name: 'Create queue' }).click();

    const row = page.getByRole('row').filter({ hasText: 'Returns desk' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('5');
    expect(await row.textContent()).toContain('returnsgerman');
    expect(await row.textContent()).toContain('Resolution: 2 h 0 min');

    await row.getByRole('button', { name: 'Edit Returns desk' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Returns desk' });
    expect(await edit.getByLabel('Required skills').inputValue()).toBe('returns, german');
    await edit.getByLabel('Priority').fill('7');
    await edit.getByRole('button', { name: 'Save queue' }).click();
    await edit.waitFor({ state: 'hidden' });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('7');

    // The flows share one product: leave no extra queue behind.
    await row.getByRole('button', { name: 'Archive Returns desk' }).click();
    await page.getByRole('button', { name: 'Archive queue' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('checks security settings against the contract bounds before saving them', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, settingsAdmin);
    await page.goto('/admin/security');
    const idle = page.getByLabel('Idle timeout (minutes)');
    await idle.waitFor();
    const save = page.getByRole('button', { name: 'Save settings' });
    const before = await idle.inputValue();

    await idle.fill('0');
    await page.getByText(/Enter a whole number from \d+ to \d+\./).waitFor();
    expect(await save.isDisabled()).toBe(true);

    const next = before === '45' ? '46' : '45';
    await idle.fill(next);
    await page.getByText(/Enter a whole number/).waitFor({ state: 'detached' });
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Security settings saved.' }).waitFor();
    await page.reload();
    await idle.waitFor();
    expect(await idle.inputValue()).toBe(next);

    // The flows share one product: put the timeout back.
    await idle.fill(before);
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Security settings saved.' }).waitFor();
  });

  it('offers a reload when a screen’s code cannot be downloaded, and the reload brings it back', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, admin);
    // As after a deploy replaced the chunk, or a dropped connection.
    await page.route('**/assets/AccountPage-*.js', (route) => route.abort());
    await page.getByRole('link', { name: admin.email.split('@')[0] }).click();
    await page.getByRole('heading', { name: 'My account could not be loaded' }).waitFor();
    // The rest of the app still works.
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    await page.unroute('**/assets/AccountPage-*.js');
    await page.getByRole('button', { name: 'Reload the page' }).click();
    await page.getByRole('heading', { name: 'My account', exact: true }).waitFor();
  });
});
