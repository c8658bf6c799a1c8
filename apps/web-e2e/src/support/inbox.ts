import type { Page } from 'playwright-core';

/** The inbox's list of conversations assigned to the signed-in agent. */
export const myConversations = (page: Page) => page.getByRole('region', { name: 'My conversations' });

/** Switches the signed-in agent to Available and waits until the inbox shows it. */
export async function goAvailable(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Available' }).click();
  await page.locator('button[aria-pressed="true"]', { hasText: 'Available' }).waitFor();
}

/** Opens the supervisor wall from the main menu. */
export async function openSupervisorWall(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Supervisor wall' }).click();
}
