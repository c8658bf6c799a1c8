// Migration CLI that works without Prisma's native schema engine (see schema-engine.ts).
//   tsx tools/db/migrate.ts deploy | grants | create <name> | status | resolve --rolled-back <migration>...
// Env: DATABASE_OWNER_URL (the owner role, which migrates; DATABASE_URL when unset), DATABASE_URL (the
// runtime role, which `deploy` and `grants` give its privileges), BATON_PRISMA_SCHEMA, BATON_MIGRATIONS_DIR
// (paths default to the repo's prisma/ folder).
import { existsSync } from 'node:fs';
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
import { applyRuntimeGrants } from './grants.js';
import { isEntrypoint } from '../entrypoint.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Log = (line: string) => void;

/** The URL migrations run with: the owner role's. */
export function resolveDatabaseUrl(): string {
  return process.env['DATABASE_OWNER_URL'] || process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
}

/**
 * The runtime role to grant to: DATABASE_URL's user, when DATABASE_OWNER_URL names another. Without
 * both, a single role migrates and nothing is granted (the api then refuses to run as that owner).
 */
export function resolveRuntimeRole(): string | undefined {
  const ownerUrl = process.env['DATABASE_OWNER_URL'];
  const runtimeUrl = process.env['DATABASE_URL'];
  if (!ownerUrl || !runtimeUrl) return undefined;
  const user = (url: string) => decodeURIComponent(new URL(url).username);
  return user(runtimeUrl) && user(runtimeUrl) !== user(ownerUrl) ? user(runtimeUrl) : undefined;
}

export function prismaPaths(): { schemaPath: string; migrationsDir: string } {
  const env = (name: string, fallback: string) =>
    path.resolve(process.env[name] || path.join(repoRoot, fallback));
  return {
    schemaPath: env('BATON_PRISMA_SCHEMA', 'prisma/schema.prisma'),
    migrationsDir: env('BATON_MIGRATIONS_DIR', 'prisma/migrations'),
  };
}

/**
 * Applies pending migrations (creating the database if needed), then gives the runtime role its
 * privileges (tools/db/grants.ts). Used by the start script and test setup.
 */
export async function deploy(
  databaseUrl = resolveDatabaseUrl(),
  log: Log = console.log,
  runtimeRole = resolveRuntimeRole(),
): Promise<{ applied: string[] }> {
  const opts = await prepare(databaseUrl, log);
  const result = await applyMigrations(opts);
  for (const name of result.applied) log(`Applied migration ${name}`);
  log(
    result.applied.length
      ? `${result.applied.length} migration(s) applied to "${databaseName(databaseUrl)}".`
      : 'No pending migrations.',
  );
  if (runtimeRole) await applyRuntimeGrants(databaseUrl, runtimeRole, log);
  else
    log(
      'No runtime role to grant to: set DATABASE_OWNER_URL (the owner, who migrates) and DATABASE_URL ' +
        '(the runtime role the api and worker use); see docs/SECURITY.md#database-roles.',
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
    case 'grants': {
      // For databases migrated by another tool (the regular `prisma migrate deploy`).
      const runtimeRole = resolveRuntimeRole();
      if (!runtimeRole)
        throw new MigrationError('grants needs DATABASE_OWNER_URL and DATABASE_URL with different users.');
      await applyRuntimeGrants(url, runtimeRole, console.log);
      return 0;
    }
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
        'Usage: migrate.ts deploy | grants | create <name> | status | resolve --rolled-back <migration>...',
      );
  }
}

if (isEntrypoint(import.meta.url)) {
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
