import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../../src/paths.js';

/**
 * Each run gets its own database (migrated like production) and its own Redis key prefix, and
 * removes both afterwards, so runs never collide and never need manual cleanup.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `baton_test_${runId}`;
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
  const redisPrefix = `baton-test-${runId}`;

  // The same command operators run, so the suite also proves `npm run db:migrate` works on an empty database.
  const migrate = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@baton/source', join(REPO_ROOT, 'tools', 'db', 'migrate.ts'), 'deploy'],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' },
  );
  if (migrate.status !== 0)
    throw new Error(`migrating the test database failed:\n${migrate.stderr}${migrate.stdout}`);
  // Likewise the seed: built-in roles and the first admin, whose one-time password one test signs in with.
  const seed = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@baton/source', join(REPO_ROOT, 'tools', 'db', 'seed.ts'), '--json'],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl, SEED_ADMIN_EMAIL: 'admin@baton.test' },
      encoding: 'utf8',
    },
  );
  if (seed.status !== 0) throw new Error(`seeding the test database failed:\n${seed.stderr}${seed.stdout}`);
  const seeded = JSON.parse(seed.stdout.trim().split('\n').pop() ?? '{}') as {
    admin?: { email: string; oneTimePassword: string };
  };
  if (!seeded.admin) throw new Error('the seed created no admin on a fresh database');
  project.provide('seededAdmin', seeded.admin);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('redisPrefix', redisPrefix);

  return async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const redis = new Redis(redisUrl);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
}
