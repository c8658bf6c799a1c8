import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/**
 * A database of the calling file's own (the run's name plus `suffix`), migrated and seeded like the
 * shared one: for tests whose worker sweeps the whole database, or that rewrite what others share.
 */
export function createOwnDatabase(suffix: string): string {
  const at = (base: string) => {
    const url = new URL(base);
    url.pathname = `${url.pathname}_${suffix}`;
    return url.toString();
  };
  const databaseUrl = at(inject('databaseUrl'));
  for (const tool of ['tools/db/migrate.ts deploy', 'tools/db/seed.ts']) {
    const [script = '', ...args] = tool.split(' ');
    const run = spawnSync(TSX, ['--conditions=@baton/source', join(REPO_ROOT, script), ...args], {
      env: {
        ...process.env,
        // Migrated by the owner role, used by the app as the runtime role, as the shared database is.
        DATABASE_OWNER_URL: at(inject('databaseOwnerUrl')),
        DATABASE_URL: databaseUrl,
        SEED_ADMIN_EMAIL: 'admin@baton.test',
      },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`${tool} failed:\n${run.stderr}${run.stdout}`);
  }
  return databaseUrl;
}

export async function dropOwnDatabase(databaseUrl: string): Promise<void> {
  const server = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await server.end();
  }
}
