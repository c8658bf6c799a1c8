import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../../src/paths.js';

/** Cluster-wide roles every run shares; each run's database is owned by the first and used through the second. */
const OWNER_ROLE = 'baton_test_owner';
const RUNTIME_ROLE = 'baton_test_app';

/**
 * Each run gets its own database (migrated like production) and its own Redis key prefix, and
 * removes both afterwards, so runs never collide and never need manual cleanup. As in production,
 * the owner role migrates and the whole suite runs the app as the runtime role, which owns nothing.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `baton_test_${runId}`;
  const as = (user: string) =>
    Object.assign(new URL(adminUrl), { username: user, password: '', pathname: `/${database}` }).toString();
  const ownerUrl = as(OWNER_ROLE);
  const databaseUrl = as(RUNTIME_ROLE);
  const redisPrefix = `baton-test-${runId}`;
  const roleEnv = { DATABASE_ADMIN_URL: adminUrl, DATABASE_OWNER_URL: ownerUrl, DATABASE_URL: databaseUrl };

  /** Runs tools/db/<script> the way operators do (`npm run db:…`). */
  const tool = (script: string, args: string[], env: NodeJS.ProcessEnv) => {
    const run = spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['--conditions=@baton/source', join(REPO_ROOT, 'tools', 'db', script), ...args],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    if (run.status !== 0)
      throw new Error(`tools/db/${script} failed on the test database:\n${run.stderr}${run.stdout}`);
    return run.stdout;
  };

  // The same commands operators run, so the suite also proves `npm run db:roles` and `npm run
  // db:migrate` work on an empty server.
  tool('roles.ts', [], roleEnv);
  tool('migrate.ts', ['deploy'], { DATABASE_OWNER_URL: ownerUrl, DATABASE_URL: databaseUrl });
  // Likewise the seed (as the runtime role): built-in roles and the first admin, whose one-time
  // password one test signs in with.
  const seedOutput = tool('seed.ts', ['--json'], {
    DATABASE_URL: databaseUrl,
    SEED_ADMIN_EMAIL: 'admin@baton.test',
  });
  const seeded = JSON.parse(seedOutput.trim().split('\n').pop() ?? '{}') as {
    admin?: { email: string; oneTimePassword: string };
  };
  if (!seeded.admin) throw new Error('the seed created no admin on a fresh database');
  project.provide('seededAdmin', seeded.admin);
  project.provide('databaseUrl', databaseUrl);
  project.provide('databaseOwnerUrl', ownerUrl);
  project.provide('databaseAdminUrl', adminUrl);
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
