import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

/** Where benchmarks create their databases (the local PostgreSQL `npm start` and `npm test` use). */
export const adminUrl =
  process.env.BENCH_DATABASE_ADMIN_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Runs fixed statements (no values in them) on one connection to `url`. */
export async function runSql(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one benchmark run, named `baton_bench_<time>_<random>`. */
export function benchDatabase(): { database: string; databaseUrl: string } {
  const database = `baton_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { database, databaseUrl: Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString() };
}

/** Creates the database and applies the migrations with the command operators run. */
async function createAndMigrate(root: string, database: string, databaseUrl: string): Promise<void> {
  await runSql(adminUrl, [`CREATE DATABASE "${database}"`]);
  const migrate = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@baton/source', path.join(root, 'tools', 'db', 'migrate.ts'), 'deploy'],
    { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' },
  );
  if (migrate.status !== 0)
    throw new Error(`migrating ${database} failed:\n${migrate.stderr}${migrate.stdout}`);
}

let interrupted = false;
/** True once Ctrl-C (or SIGTERM) dropped the database under the running benchmark. */
export const wasInterrupted = () => interrupted;

/**
 * Creates and migrates the benchmark's database, runs `body`, and drops the database whether the run
 * ended, failed or was interrupted; then exits (1 on failure).
 */
export async function runInBenchDatabase(
  root: string,
  { database, databaseUrl }: { database: string; databaseUrl: string },
  body: () => Promise<void>,
): Promise<never> {
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await runSql(adminUrl, [`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.log(`bench: ${signal}: dropping ${database}`);
      void drop().finally(() => process.exit(130));
    });
  }
  let exitCode = 0;
  try {
    await createAndMigrate(root, database, databaseUrl);
    await body();
  } catch (error) {
    // After Ctrl-C the database is gone under the running queries; the signal handler reports that.
    if (!interrupted) console.error('bench: failed:', error);
    exitCode = 1;
  } finally {
    try {
      await drop();
    } catch (error) {
      console.error(`bench: could not drop ${database}:`, error);
      exitCode = 1;
    }
  }
  process.exit(exitCode);
}
