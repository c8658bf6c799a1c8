import { createApi } from './bootstrap.js';
import { HealthService } from './modules/health/health.service.js';
import { runProcess } from './process-runner.js';

await runProcess('api', async (env, logger) => {
  const app = await createApi(env, logger);
  await app.listen(env.PORT, env.HOST);
  // HOST is loopback unless the operator set it: say so, so a "cannot connect" from elsewhere is explained.
  logger.info({ port: env.PORT, host: env.HOST }, `api listening on ${env.HOST}:${env.PORT}`);
  return { drain: () => app.get(HealthService).startDraining(), close: () => app.close() };
});
