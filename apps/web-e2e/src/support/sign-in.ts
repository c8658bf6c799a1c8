import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { eventually } from '../../../api/test/support/api.js';

/** The current TOTP code, computed as an authenticator app would. */
export function totpNow(secret: string): Promise<string> {
  return generate({ secret });
}

/**
 * Codes are single-use per 30-second step: waits for the next step when this one was used already,
 * as a person would wait for the app to show a new code.
 */
export async function freshTotp(secret: string, used: Set<string>): Promise<string> {
  const code = await eventually(
    () => totpNow(secret),
    (candidate) => !used.has(candidate),
    { timeoutMs: 31_000, intervalMs: 1_000 },
  );
  if (used.has(code)) throw new Error('no new authenticator code within one 30-second step');
  used.add(code);
  return code;
}

/** Signs in through the login form, answering the MFA prompt when the account has MFA. */
export async function signInThroughUi(
  page: Page,
  user: { email: string; password: string; totpSecret?: string },
): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (user.totpSecret) {
    await page.getByLabel('Authentication code').fill(await totpNow(user.totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
