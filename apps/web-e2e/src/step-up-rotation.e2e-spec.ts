import { describe, expect, it } from 'vitest';
import { createUser, forgetLastTotpStep } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { useProductInBrowser } from './support/product.js';
import { goAvailable } from './support/inbox.js';
import { signInThroughUi, totpNow } from './support/sign-in.js';

/**
 * A step-up confirmation gives the session a new token and CSRF token. The action that asked for it
 * is retried at once and must go through with them, without a reload or a second sign-in; the
 * inbox's socket, closed because it was opened with the old token, comes back by itself.
 */
describe('a step-up confirmation, in a browser', () => {
  const { product, browser } = useProductInBrowser();

  it('lets an admin invite a user after confirming with a code, on the rotated session', async () => {
    const admin = await createUser(product.api, { roles: ['admin', 'agent'], mfa: true });
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // The inbox opens the tab's socket (presence is set over it).
    await nav.getByRole('link', { name: 'Inbox' }).click();
    await goAvailable(page);
    // Signed in a while ago, as far as the step-up window is concerned.
    await product.api.prisma.session.updateMany({
      where: { userId: admin.id, revokedAt: null },
      data: { mfaVerifiedAt: new Date(Date.now() - 24 * 3_600_000) },
    });
    const before = (await page.context().cookies()).find((c) => c.name === 'baton_session')?.value;

    await nav.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite user' });
    await invite.getByLabel('Email').fill(`invited-${Date.now()}@example.test`);
    await invite.getByLabel('Display name').fill('Invited Person');
    await invite.getByRole('button', { name: 'Invite' }).click();

    const confirm = page.getByRole('dialog', { name: "Confirm it's you" });
    await forgetLastTotpStep(product.api, admin.id);
    await confirm.getByLabel('Authentication code').fill(await totpNow(admin.totpSecret!));
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    await page.getByRole('dialog', { name: 'User invited' }).waitFor();
    const after = (await page.context().cookies()).find((c) => c.name === 'baton_session')?.value;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // Still signed in: the next screen loads with the new cookie.
    await page.getByRole('dialog', { name: 'User invited' }).getByRole('button', { name: 'Done' }).click();
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'user.created' }).first().waitFor();
    // The socket reconnected with the new cookie: a presence change over it is answered.
    await nav.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('button', { name: 'Away' }).click();
    await page.locator('button[aria-pressed="true"]', { hasText: 'Away' }).waitFor();
  });
});
