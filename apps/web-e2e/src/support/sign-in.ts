import { generate } from 'otplib';
import type { Page } from 'playwright-core';

/** The current TOTP code, computed as an authenticator app would. */
export function totpNow(secret: string): Promise<string> {
  return generate({ secret });
}

/**
 * Codes are single-use per 30-second step: waits for the next step when this one was used already,
 * as a person would wait for the app to show a new code.
 */
export async function freshTotp(secret: string, used: Set<string>): Promise<string> {
  for (;;) {
    const code = await totpNow(secret);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
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
