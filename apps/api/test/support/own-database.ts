import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

export interface OwnDatabase {
  /** The runtime role's URL, as the app uses it. */
  databaseUrl: string;
  /** The owner role's URL (migrations, audit archival). */
  ownerUrl: string;
  drop(): Promise<void>;
}

/**
 * A migrated and seeded database of the calling file's own (this run's database name plus `suffix`),
 * for tests that rewrite or remove audit events, which the files sharing the run's database rely on.
 */
export function ownDatabase(suffix: string): OwnDatabase {
  const at = (base: string) => {
    const url = new URL(base);
    url.pathname = `${url.pathname}_${suffix}`;
    return url.toString();
  };
  const databaseUrl = at(inject('databaseUrl'));
  const ownerUrl = at(inject('databaseOwnerUrl'));
  for (const tool of ['tools/db/migrate.ts deploy', 'tools/db/seed.ts']) {
    const [script, ...args] = tool.split(' ');
    const run = spawnSync(TSX, ['--conditions=@baton/source', join(REPO_ROOT, script ?? ''), ...args], {
      env: {
        ...process.env,
        // Migrated by the owner role, used by the app as the runtime role, as the shared database is.
        DATABASE_OWNER_URL: ownerUrl,
        DATABASE_URL: databaseUrl,
        SEED_ADMIN_EMAIL: 'admin@baton.test',
      },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`${tool} failed:\n${run.stderr}${run.stdout}`);
  }
  return {
    databaseUrl,
    ownerUrl,
    async drop() {
      const server = new pg.Client({ connectionString: inject('databaseAdminUrl') });
      await server.connect();
      try {
        await server.query(
          `DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`,
        );
      } finally {
        await server.end();
      }
    },
  };
}
