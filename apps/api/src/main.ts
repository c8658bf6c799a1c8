import { createApi } from './bootstrap.js';
import { runProcess } from './process-runner.js';

await runProcess('api', async (env, logger) => {
  const app = await createApi(env, logger);
  await app.listen(env.PORT, env.HOST);
  logger.info({ port: env.PORT, host: env.HOST }, 'api listening');
  return app;
});
