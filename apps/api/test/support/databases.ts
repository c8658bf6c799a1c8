import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

export const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** The run's database URL for `role` ('runtime', 'owner'), pointing at database `<run's>_<suffix>`. */
export function databaseUrlFor(suffix: string, role: 'runtime' | 'owner' = 'runtime'): string {
  const url = new URL(inject(role === 'owner' ? 'databaseOwnerUrl' : 'databaseUrl'));
  url.pathname = `${url.pathname}_${suffix}`;
  return url.toString();
}

/** Runs an operator command (`tools/<script>`) as `npm run` would; returns its output and status. */
export function runTool(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, ['--conditions=@baton/source', join(REPO_ROOT, 'tools', script), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * A database of the test file's own (`<run's>_<suffix>`), migrated by the owner role and seeded, used by
 * the app as the runtime role, as the shared database is. For tests that change what every file shares.
 */
export function createDatabase(suffix: string, { seed = true } = {}): string {
  const databaseUrl = databaseUrlFor(suffix);
  const env = {
    DATABASE_OWNER_URL: databaseUrlFor(suffix, 'owner'),
    DATABASE_URL: databaseUrl,
    SEED_ADMIN_EMAIL: 'admin@baton.test',
  };
  for (const [script, ...args] of [['db/migrate.ts', 'deploy'], ...(seed ? [['db/seed.ts']] : [])]) {
    const run = runTool(script!, args, env);
    if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}${run.stdout}`);
  }
  return databaseUrl;
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const server = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await server.end();
  }
}

export interface OwnDatabase {
  /** The runtime role's URL, as the app uses it. */
  databaseUrl: string;
  /** The owner role's URL (migrations, audit archival). */
  ownerUrl: string;
  drop(): Promise<void>;
}

/** {@link createDatabase} with its owner URL and a way to drop it. */
export function ownDatabase(suffix: string, options: { seed?: boolean } = {}): OwnDatabase {
  const databaseUrl = createDatabase(suffix, options);
  return { databaseUrl, ownerUrl: databaseUrlFor(suffix, 'owner'), drop: () => dropDatabase(databaseUrl) };
}
