import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlRunner } from './sql-runner.js';

/**
 * Where the database stands against the committed migrations. The api and worker (preflight and
 * readiness) and `npm run db:migrate status` all read it from here.
 */
export interface MigrationsState {
  /** Migration folders committed in `prisma/migrations`, in the order they are applied. */
  local: string[];
  /** Recorded as finished in `_prisma_migrations` (and not rolled back), in the order they were started. */
  applied: string[];
  pending: string[];
  /** Started but never finished (a failed `deploy`) and not resolved as rolled back; needs an operator. */
  failed: string[];
  /** Applied, but migration.sql changed since (checksum mismatch); only with `checksums`. */
  edited: string[];
  /** Recorded as applied but missing from the migrations folder. */
  missingLocally: string[];
}

export interface LocalMigration {
  name: string;
  /** The folder's migration.sql when asked for; undefined when not asked for or unreadable. */
  script: string | undefined;
}

/** The folders holding a migration.sql, in the order Prisma applies them (with their scripts if `withScripts`). */
export async function listMigrations(migrationsDir: string, withScripts = false): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const found = await Promise.all(
    folders.map(async (name): Promise<LocalMigration | undefined> => {
      const files = await readdir(join(migrationsDir, name));
      if (!files.includes('migration.sql')) return undefined;
      const script = withScripts
        ? await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8').catch(() => undefined)
        : undefined;
      return { name, script };
    }),
  );
  return found.filter((m): m is LocalMigration => m !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Prisma's checksum: hex sha256 of migration.sql. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script).digest('hex');
}

// Line-ending-only differences are tolerated, like Prisma does.
function checksumMatches(script: string, checksum: string): boolean {
  return [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}

/**
 * Compares the committed migrations with `_prisma_migrations`, the table both `prisma migrate deploy`
 * and `npm run db:migrate` write, so the app can refuse to run against an outdated schema. Read-only.
 * `checksums`: also read and hash every applied script to list `edited` ones (the migration command
 * does; start-up and readiness, which look only at failed and pending, do not).
 */
export async function readMigrationsState(
  run: SqlRunner,
  migrationsDir: string,
  { checksums = false }: { checksums?: boolean } = {},
): Promise<MigrationsState> {
  const migrations = await listMigrations(migrationsDir, checksums);
  const local = migrations.map((m) => m.name);
  const state: MigrationsState = {
    local,
    applied: [],
    pending: [],
    failed: [],
    edited: [],
    missingLocally: [],
  };
  const [table] = await run<{ present: boolean }>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  const rows = table?.present
    ? await run<{ name: string; checksum: string; finished: boolean; rolled_back: boolean }>`
        SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished,
               rolled_back_at IS NOT NULL AS rolled_back
          FROM _prisma_migrations ORDER BY started_at`
    : [];
  const scripts = new Map(migrations.map((m) => [m.name, m.script]));
  for (const row of rows) {
    if (row.rolled_back) continue;
    if (!row.finished) {
      state.failed.push(row.name);
      continue;
    }
    state.applied.push(row.name);
    if (!scripts.has(row.name)) state.missingLocally.push(row.name);
    else {
      const script = scripts.get(row.name);
      if (checksums && script !== undefined && !checksumMatches(script, row.checksum))
        state.edited.push(row.name);
    }
  }
  const done = new Set([...state.applied, ...state.failed]);
  state.pending = local.filter((name) => !done.has(name));
  return state;
}

/** One sentence an operator can act on, or undefined when the schema is current. */
export function describeMigrationsProblem(state: MigrationsState): string | undefined {
  if (state.failed.length > 0) {
    return `Migration ${state.failed.join(', ')} failed part-way; fix the database, then run \`npm run db:migrate\`.`;
  }
  if (state.pending.length > 0) {
    const count = state.pending.length;
    return `${count} database migration${count === 1 ? ' is' : 's are'} pending (${state.pending.join(', ')}); run \`npm run db:migrate\`.`;
  }
  return undefined;
}
