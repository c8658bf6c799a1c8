import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface MigrationsState {
  applied: string[];
  pending: string[];
  /** Started but never finished (a failed `deploy`); needs an operator. */
  failed: string[];
}

/** Migration folders committed in `prisma/migrations`, in the order Prisma applies them. */
async function listMigrationFolders(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const withSql = await Promise.all(
    folders.map(async (name) => {
      const files = await readdir(join(migrationsDir, name));
      return files.includes('migration.sql') ? name : undefined;
    }),
  );
  return withSql.filter((name): name is string => name !== undefined).sort();
}

/** Runs a read-only query; satisfied by a `pg` client and by Prisma's `$queryRawUnsafe`. */
export type RunQuery = <R>(sql: string) => Promise<R[]>;

/**
 * Compares the committed migrations with `_prisma_migrations`, the table both `prisma migrate deploy`
 * and `npm run db:migrate` write, so the app can refuse to run against an outdated schema.
 */
export async function readMigrationsState(query: RunQuery, migrationsDir: string): Promise<MigrationsState> {
  const folders = await listMigrationFolders(migrationsDir);
  const [exists] = await query<{ present: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present",
  );
  if (!exists?.present) return { applied: [], pending: folders, failed: [] };

  const rows = await query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
    'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations',
  );
  const applied = new Set<string>();
  const failed = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at !== null) applied.add(row.migration_name);
    else failed.add(row.migration_name);
  }
  return {
    applied: folders.filter((name) => applied.has(name)),
    pending: folders.filter((name) => !applied.has(name) && !failed.has(name)),
    failed: [...failed].sort(),
  };
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
