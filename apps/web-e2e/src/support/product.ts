import type { INestApplicationContext } from '@nestjs/common';
import { createWorker } from '../../../api/src/bootstrap.js';
import { startApi, type TestApi } from '../../../api/test/support/api.js';
import { capturingLogger, testEnv } from '../../../api/test/support/test-env.js';

export interface Product {
  api: TestApi;
  worker: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * The API serving the built SPA, widget and demo page, plus the worker (routing, bots, audit
 * sealer). `prepare` runs between the two, once the API's address is known.
 */
export async function startProduct(
  env: NodeJS.ProcessEnv = {},
  prepare: (api: TestApi) => Promise<void> = async () => undefined,
): Promise<Product> {
  const api = await startApi({ SERVE_WEB: 'true', ...env });
  await prepare(api);
  const worker = await createWorker(testEnv(env), capturingLogger('warn').logger);
  return {
    api,
    worker,
    close: async () => {
      await Promise.all([api.close(), worker.close()]);
    },
  };
}
