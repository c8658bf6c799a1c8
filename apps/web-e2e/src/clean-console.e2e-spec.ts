import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { openSupervisorWall } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * A new team's first look at the browser console: loading the sign-in page, the inbox and the wall
 * must log no error and break no Content-Security-Policy rule, so a real problem stands out.
 */

/** Collects what the console shows in red: errors, uncaught exceptions and CSP violations. */
async function watchConsole(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  // A violation is reported even when the page catches the refused call, so listen for the event itself.
  await page.exposeFunction('reportCspViolation', (line: string) => problems.push(`csp: ${line}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(line: string): void }).reportCspViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}`);
    });
  });
  return problems;
}

describe('browser console on first use', () => {
  const { product, browser } = useProductInBrowser();
  let agent: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    agent = await createUser(product.api, { roles: ['agent'] });
    supervisor = await createUser(product.api, { roles: ['supervisor'], mfa: true });
  });

  it('stays clean for an anonymous visitor on the sign-in page', async () => {
    const { page } = await newPage(browser, product.api.base);
    const problems = await watchConsole(page);
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('stays clean while an agent opens the inbox', async () => {
    const { page } = await newPage(browser, product.api.base);
    const problems = await watchConsole(page);
    await signInThroughUi(page, agent);
    await page.getByRole('region', { name: 'My conversations' }).waitFor();
    await page.getByRole('button', { name: 'Available' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('stays clean while a supervisor opens the wall', async () => {
    const { page } = await newPage(browser, product.api.base);
    const problems = await watchConsole(page);
    await signInThroughUi(page, supervisor);
    await openSupervisorWall(page);
    await page.getByRole('heading', { name: 'Supervisor wall' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});
