/**
 * `node dist/apps/api/worker-health.js`: a container health check for the worker. Exits 0 when a
 * worker process on this host has beaten in Redis within the last few seconds, 1 (saying why) otherwise.
 */
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { ZEnv } from './config/env.schema.js';
import { aliveWorkerIds } from './jobs/worker-heartbeat.js';
import { redisKeys } from './redis/redis-keys.js';

// Only where Redis is: the check needs no secrets (an `npm start` installation keeps them in a file).
const settings = ZEnv.pick({ REDIS_URL: true, REDIS_PREFIX: true }).safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value)),
);
if (!settings.success) {
  process.stderr.write(`baton worker-health: invalid configuration: ${settings.error.issues[0]?.message}\n`);
  process.exit(1);
}
const env = settings.data;
const host = hostname();
const redis = new Redis(env.REDIS_URL, {
  connectionName: 'baton:worker-health',
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  commandTimeout: 2_000,
  retryStrategy: () => null,
});
redis.on('error', () => undefined);
try {
  const alive = await aliveWorkerIds(redis, redisKeys(env.REDIS_PREFIX));
  if (!alive.some((id) => id.startsWith(`${host}:`))) {
    process.stderr.write(
      `baton worker-health: no heartbeat from a worker on ${host} in the last few seconds\n`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(
    `baton worker-health: cannot read heartbeats: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
