import type { Logger } from 'pino';
import { ConfigError, loadEnv, type Env } from './config/env.schema.js';
import { SecretsError, withInstallSecrets } from '@baton/security';
import { createLogger } from './logging/logger.js';
import { DEFAULT_SECRETS_FILE } from './paths.js';
import { preflight } from './preflight.js';

/** A started process: `drain`, when given, is called first on a stop request, `close` SHUTDOWN_DRAIN_MS later. */
export interface RunningProcess {
  drain?(): void;
  close(): Promise<void>;
}

/**
 * Shared start-up of the api and worker processes: validate config, check dependencies, then
 * start. Anything that stops the start is printed as plain sentences on stderr, never a stack.
 */
export async function runProcess(
  name: 'api' | 'worker',
  start: (env: Env, logger: Logger) => Promise<RunningProcess>,
): Promise<void> {
  const fail = (lines: string[]): never => {
    for (const line of lines) process.stderr.write(`baton ${name}: ${line}\n`);
    process.exit(1);
  };

  let env: Env;
  try {
    // Under `npm start` the secrets arrive in the environment; a process started directly reads the
    // installation's secrets file itself (generating it on the very first start).
    env = loadEnv(
      withInstallSecrets(process.env, {
        defaultFile: DEFAULT_SECRETS_FILE,
        say: (line) => process.stderr.write(`baton ${name}: ${line}\n`),
      }),
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SecretsError)
      return fail(error.problems.map((p) => `invalid configuration: ${p}`));
    throw error;
  }

  const problems = await preflight(env);
  if (problems.length > 0) return fail(problems.map((p) => `cannot start: ${p}`));

  const logger = createLogger({ level: env.LOG_LEVEL, name });
  let app: RunningProcess;
  try {
    app = await start(env, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'start failed');
    return fail([`cannot start: ${error instanceof Error ? error.message : String(error)}`]);
  }

  /*
   * A stop request first drains (the api's readiness says 503 while it still serves, for
   * SHUTDOWN_DRAIN_MS), then lets in-flight requests and jobs finish (bounded by SHUTDOWN_TIMEOUT_MS),
   * then exits 0.
   */
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const drainMs = app.drain ? env.SHUTDOWN_DRAIN_MS : 0;
    app.drain?.();
    logger.info({ signal, drainMs }, drainMs > 0 ? `stopping after draining for ${drainMs} ms` : 'stopping');
    const force = setTimeout(
      () => {
        logger.error('shutdown timed out');
        process.exit(1);
      },
      drainMs + env.SHUTDOWN_TIMEOUT_MS + 2_000,
    ).unref();
    const drained = new Promise((resolve) => setTimeout(resolve, drainMs));
    drained
      .then(() => app.close())
      .then(
        () => {
          clearTimeout(force);
          logger.info('stopped');
          logger.flush();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
