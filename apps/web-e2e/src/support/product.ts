import type { INestApplicationContext } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { seedDemoContent } from '../../../../tools/db/demo-content.js';
import { createWorker } from '../../../api/src/bootstrap.js';
import { startApi, type TestApi } from '../../../api/test/support/api.js';
import { capturingLogger, testEnv } from '../../../api/test/support/test-env.js';
import { launchBrowser } from './browser.js';

export interface Product {
  api: TestApi;
  worker: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * The API serving the built SPA, widget and demo page, plus the worker (routing, bots, audit
 * sealer). `prepare` runs between the two, once the API's address is known.
 *
 * The browser flows share one database, and the demo content (what `npm start` seeds: the "General"
 * queue, the assistant, the demo shop's chat) is only added to an install without channels. So it is
 * added here, before any flow creates a channel of its own, open to any origin since each flow's API
 * listens on its own port.
 */
export async function startProduct(
  env: NodeJS.ProcessEnv = {},
  prepare: (api: TestApi) => Promise<void> = async () => undefined,
): Promise<Product> {
  const api = await startApi({ SERVE_WEB: 'true', ...env });
  await seedDemoContent(inject('databaseUrl'), [], inject('seededAdmin').email);
  await prepare(api);
  const worker = await createWorker(testEnv(env), capturingLogger('warn').logger);
  return {
    api,
    worker,
    close: async () => {
      // The flows run one after another on one database (vitest.config.ts): a conversation one flow
      // left open in the shared demo queue would otherwise be routed to the next flow's agents.
      await api.prisma.conversation.updateMany({
        where: { status: { in: ['bot', 'queued', 'assigned'] } },
        data: { status: 'closed', closedAt: new Date() },
      });
      await Promise.all([api.close(), worker.close()]);
    },
  };
}

/** Stands for what `current` returns once it exists; methods run on the real object. */
function standIn<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get: (_target, key) => {
      const target = current();
      if (!target) throw new Error(`${what} starts in beforeAll: use it in hooks and flows.`);
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The product (see {@link startProduct}) and a browser for the enclosing describe block: both
 * started before its flows and closed after them.
 */
export function useProductInBrowser(env: NodeJS.ProcessEnv = {}): { product: Product; browser: Browser } {
  let product: Product | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(env), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });
  return {
    product: standIn(() => product, 'The product'),
    browser: standIn(() => browser, 'The browser'),
  };
}
