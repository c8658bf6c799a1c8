import { describeDatabaseRoleProblem } from './database-role.js';
import { describeMissingKeys, readKeyUsage } from './data-encryption.js';
import { describeMigrationsProblem, readMigrationsState } from './migrations-state.js';
import { pgRunner, type PgQueryable } from './sql-runner.js';

/**
 * Whether the api and worker may run on the database `db` is connected to (as the runtime role): its
 * schema is current, the role is as narrow as `db:migrate`'s grants make it, and every data key the
 * stored data uses is among `keyIds`. Start-up (preflight) and `npm run restore` both ask this.
 */
export async function describeDatabaseProblem(
  db: PgQueryable,
  { migrationsDir, keyIds }: { migrationsDir: string; keyIds: readonly string[] },
): Promise<string | undefined> {
  const run = pgRunner(db);
  return (
    describeMigrationsProblem(await readMigrationsState(run, migrationsDir)) ??
    (await describeDatabaseRoleProblem(run)) ??
    // Without the key, MFA sign-ins and contacts would fail one request at a time.
    describeMissingKeys(await readKeyUsage(db), keyIds)
  );
}
