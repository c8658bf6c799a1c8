import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../api/src/bootstrap.js';
import { createUser } from '../../api/test/support/api.js';
import { capturingLogger, testEnv } from '../../api/test/support/test-env.js';
import { newPage } from './support/browser.js';
import { openSupervisorWall } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/** The wall tells a supervisor when no worker runs (bots and timers stopped), and when one is back. */
describe('supervisor wall when the worker is down, in a browser', () => {
  const { product, browser } = useProductInBrowser();
  let revived: INestApplicationContext | undefined;
  afterAll(async () => {
    await revived?.close();
  });

  it('shows "Worker down" with when it was last seen while no worker runs, and clears it when one is back', async () => {
    const supervisor = await createUser(product.api, { roles: ['supervisor'], mfa: true });
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, supervisor);
    await openSupervisorWall(page);
    await page.getByRole('heading', { name: 'Supervisor wall' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'Worker down' });
    expect(await alert.count()).toBe(0);

    await product.worker.close();
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(
      /Bot replies, timers and WhatsApp deliveries wait until a worker is back; conversations with agents go on\. Last seen \d+ s ago\./,
    );

    revived = await createWorker(testEnv(), capturingLogger('warn').logger);
    await revived.init();
    await alert.waitFor({ state: 'detached', timeout: 15_000 });
  });
});
