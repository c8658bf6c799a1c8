// Migration CLI that works without Prisma's native schema engine (see schema-engine.ts).
//   tsx tools/db/migrate.ts deploy | create <name> | status | resolve --rolled-back <migration>...
// Env: DATABASE_URL, BATON_PRISMA_SCHEMA, BATON_MIGRATIONS_DIR (paths default to the repo's prisma/ folder).
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyMigrations,
  databaseName,
  diffMigration,
  ensureDatabase,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  markMigrationRolledBack,
  MigrationError,
  migrationStatus,
  type EngineOptions,
  type MigrationStatus,
} from './schema-engine.js';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Log = (line: string) => void;

export function resolveDatabaseUrl(): string {
  return process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
}

export function prismaPaths(): { schemaPath: string; migrationsDir: string } {
  const env = (name: string, fallback: string) =>
    path.resolve(process.env[name] || path.join(repoRoot, fallback));
  return {
    schemaPath: env('BATON_PRISMA_SCHEMA', 'prisma/schema.prisma'),
    migrationsDir: env('BATON_MIGRATIONS_DIR', 'prisma/migrations'),
  };
}

/** Applies pending migrations (creating the database if needed). Used by the start script and test setup. */
export async function deploy(
  databaseUrl = resolveDatabaseUrl(),
  log: Log = console.log,
): Promise<{ applied: string[] }> {
  const opts = await prepare(databaseUrl, log);
  const result = await applyMigrations(opts);
  for (const name of result.applied) log(`Applied migration ${name}`);
  log(
    result.applied.length
      ? `${result.applied.length} migration(s) applied to "${databaseName(databaseUrl)}".`
      : 'No pending migrations.',
  );
  return result;
}

/** Writes `<migrationsDir>/<UTC timestamp>_<name>/migration.sql`; returns its path, or null when in sync. */
export async function create(
  name: string,
  databaseUrl = resolveDatabaseUrl(),
  log: Log = console.log,
): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name) || name.length > 200) {
    throw new MigrationError(
      `Invalid migration name "${name}": use 1-200 lowercase letters, digits and underscores (e.g. add_ticket_tags).`,
    );
  }
  const opts = await prepare(databaseUrl, log);
  const sql = await diffMigration(opts);
  if (!sql) {
    log('Schema and migrations are in sync; nothing to create.');
    return null;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14); // YYYYMMDDHHMMSS, UTC
  const dir = path.join(opts.migrationsDir, `${stamp}_${name}`);
  if (existsSync(dir)) throw new MigrationError(`Migration directory already exists: ${dir}`);
  await mkdir(dir, { recursive: true });
  const lockfile = path.join(opts.migrationsDir, LOCKFILE_NAME);
  if (!existsSync(lockfile)) await writeFile(lockfile, LOCKFILE_CONTENT);
  const file = path.join(dir, 'migration.sql');
  await writeFile(file, sql);
  log(`Created ${display(file)}`);
  return file;
}

/** Prints applied/pending migrations; `ok` is false when anything is pending, failed, edited or missing. */
export async function status(
  databaseUrl = resolveDatabaseUrl(),
  log: Log = console.log,
): Promise<MigrationStatus & { ok: boolean }> {
  const { migrationsDir } = prismaPaths();
  const st = await migrationStatus({ databaseUrl, migrationsDir });
  const section = (title: string, names: string[]) => {
    if (names.length) log([`${title}:`, ...names.map((n) => `  ${n}`)].join('\n'));
  };
  log(`${st.local.length} migration(s) in ${display(migrationsDir)}`);
  if (!st.databaseExists) log(`Database "${databaseName(databaseUrl)}" does not exist yet.`);
  section('Applied', st.applied);
  section('Pending', st.pending);
  section('Failed (resolve with `resolve --rolled-back <name>` after fixing)', st.failed);
  section('Edited after being applied (checksum mismatch)', st.edited);
  section('Applied but missing from the migrations folder', st.missingLocally);
  const ok = !st.pending.length && !st.failed.length && !st.edited.length && !st.missingLocally.length;
  if (ok) log('Database schema is up to date.');
  return { ...st, ok };
}

/** Marks a failed migration as rolled back so that a fixed version can be deployed. */
export async function resolveRolledBack(
  migration: string,
  databaseUrl = resolveDatabaseUrl(),
  log: Log = console.log,
): Promise<void> {
  await markMigrationRolledBack({ databaseUrl, ...prismaPaths() }, migration);
  log(`Marked ${migration} as rolled back.`);
}

/** Path relative to the cwd when it is below it, absolute otherwise. */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function prepare(databaseUrl: string, log: Log): Promise<EngineOptions> {
  if (await ensureDatabase(databaseUrl)) log(`Created database "${databaseName(databaseUrl)}".`);
  return { databaseUrl, ...prismaPaths() };
}

/** One human-readable line for the errors people actually hit. */
export function describeError(error: unknown, databaseUrl: string): string {
  const err = error as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = err.code ?? err.errors?.[0]?.code;
  let where: string;
  try {
    const url = new URL(databaseUrl);
    where = `${url.hostname}:${url.port || 5432}`;
  } catch {
    return 'DATABASE_URL is not a valid URL.';
  }
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(code)) {
    return `Cannot connect to PostgreSQL at ${where} (${code}) — is it running?`;
  }
  if (code === '28P01' || code === '28000')
    return `PostgreSQL at ${where} rejected the login: ${err.message}`;
  return (err.message ?? String(error)).split('\n')[0] || String(error);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const url = resolveDatabaseUrl();
  switch (cmd) {
    case 'deploy':
      await deploy(url);
      return 0;
    case 'create':
      if (args.length !== 1 || !args[0]) throw new MigrationError('Usage: migrate.ts create <name>');
      await create(args[0], url);
      return 0;
    case 'status':
      return (await status(url)).ok ? 0 : 1;
    case 'resolve':
      if (args[0] !== '--rolled-back' || args.length < 2) {
        throw new MigrationError('Usage: migrate.ts resolve --rolled-back <migration>...');
      }
      for (const migration of args.slice(1)) await resolveRolledBack(migration, url);
      return 0;
    default:
      throw new MigrationError(
        'Usage: migrate.ts deploy | create <name> | status | resolve --rolled-back <migration>...',
      );
  }
}

function isEntrypoint(): boolean {
  try {
    return (
      !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntrypoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`error: ${describeError(error, resolveDatabaseUrl())}`);
      if (process.env['DEBUG']) console.error(error);
      process.exitCode = 1;
    },
  );
}
