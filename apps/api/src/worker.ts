import { createWorker } from './bootstrap.js';
import { runProcess } from './process-runner.js';

await runProcess('worker', async (env, logger) => {
  const app = await createWorker(env, logger);
  await app.init();
  logger.info('worker started');
  return app;
});
