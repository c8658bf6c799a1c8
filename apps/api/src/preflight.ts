import { describeDatabaseProblem } from '@baton/security';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Env } from './config/env.schema.js';
import { describeUrl } from './logging/logger.js';

const TIMEOUT_MS = 3_000;

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error)
    return (error as NodeJS.ErrnoException).code ?? error.message.split('\n')[0] ?? 'error';
  return String(error);
}

async function checkPostgres(env: Env): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  const where = describeUrl(env.DATABASE_URL);
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') {
      return `database ${where} does not exist; run \`npm run db:migrate\` (it creates it).`;
    }
    return `PostgreSQL is not reachable at ${where} (${reason(error)}); start it or set DATABASE_URL.`;
  }
  try {
    return await describeDatabaseProblem(client, {
      migrationsDir: env.MIGRATIONS_DIR,
      keyIds: env.DATA_ENCRYPTION_KEYS.map((k) => k.id),
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Socket events travel between instances on Redis sharded pub/sub (`SPUBLISH`), new in Redis 7. */
export function redisVersionProblem(serverInfo: string, url: string): string | undefined {
  const version = /^redis_version:(\S+)/m.exec(serverInfo)?.[1];
  const major = Number(version?.split('.')[0]);
  if (!version || major >= 7) return undefined;
  return `Redis ${version} at ${describeUrl(url)} is too old: Baton needs Redis 7 or later (sharded pub/sub).`;
}

async function checkRedis(env: Env): Promise<string | undefined> {
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redisVersionProblem(await redis.info('server'), env.REDIS_URL);
  } catch (error) {
    return `Redis is not reachable at ${describeUrl(env.REDIS_URL)} (${reason(error)}); start it or set REDIS_URL.`;
  } finally {
    redis.disconnect();
  }
}

/**
 * Checks what a process needs before Nest starts, so a missing dependency is one clear sentence
 * instead of a stack trace or a retry loop. Returns the problems found.
 */
export async function preflight(env: Env): Promise<string[]> {
  const problems = await Promise.all([checkPostgres(env), checkRedis(env)]);
  return problems.filter((p): p is string => p !== undefined);
}
