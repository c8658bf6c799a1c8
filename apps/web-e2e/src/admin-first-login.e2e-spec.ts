import { describe, expect, inject, it } from 'vitest';
import { newPage, screenshot } from './support/browser.js';
import { useProductInBrowser } from './support/product.js';
import { freshTotp } from './support/sign-in.js';

describe('the first admin, in a browser', () => {
  const { product, browser } = useProductInBrowser();

  it('signs in with the one-time password, chooses a password, enrols MFA, then reads and verifies the audit log', async () => {
    const admin = inject('seededAdmin');
    const { page } = await newPage(browser, product.api.base);
    const usedCodes = new Set<string>();

    await page.goto('/');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.oneTimePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const password = 'Violet-harbour-lantern-42';
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password').fill(password);
    await page.getByRole('button', { name: 'Change password' }).click();

    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    // The QR code is drawn in the page (an inline SVG), never fetched from a rendering service.
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await screenshot(page, 'mfa-enrolment');
    await page.getByText("Can't scan? Enter the key by hand").click();
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await freshTotp(secret, usedCodes));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();

    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    const continueButton = page.getByRole('button', { name: 'Continue to Baton' });
    expect(await continueButton.isDisabled()).toBe(true);
    await page.getByLabel('I have saved my recovery codes').check();
    await continueButton.click();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    // The sign-in just done is in the trail.
    await page.getByRole('cell', { name: 'auth.mfa_activated' }).first().waitFor();

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const status = page.getByRole('status').filter({ hasText: /verified/i });
    await status.waitFor();
    expect(await status.textContent()).toMatch(/verified/i);
    await screenshot(page, 'audit-log');
  });
});
