// `npm run restore -- <backup folder | its manifest.json | its baton.dump>`: restores a backup made by
// `npm run backup` into an empty database, then checks everything the product needs before it starts.
// Env: DATABASE_OWNER_URL (the owner role, which restores into its database), DATABASE_URL (the runtime
// role, granted and checked), DATA_ENCRYPTION_KEYS (else the secrets file), BATON_MIGRATIONS_DIR.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import pg from 'pg';
import {
  describeDatabaseProblem,
  describeMissingKeys,
  displayPath,
  listMigrations,
  pgRunner,
  readKeyUsage,
  verifyAuditChain,
} from '@baton/security';
import { databaseName, ensureDatabase } from '../db/schema-engine.js';
import { deploy, describeError, prismaPaths, resolveDatabaseUrl, resolveRuntimeRole } from '../db/migrate.js';
import { configuredSecrets } from '../keys/configured-keys.js';
import {
  BackupError,
  countRows,
  DUMP_FILE,
  listTables,
  MANIFEST_FILE,
  runPgTool,
  sha256File,
  ZBackupManifest,
  type BackupManifest,
} from './manifest.js';
import { isEntrypoint } from '../entrypoint.js';

type Log = (line: string) => void;

export interface RestoreOptions {
  /** The owner role's URL, naming the (empty or missing) database to restore into. */
  ownerUrl: string;
  /** The runtime role's URL on the same database: granted its privileges and checked as the product would. */
  runtimeUrl: string;
  runtimeRole: string | undefined;
  keyIds: readonly string[];
  migrationsDir: string;
  log: Log;
}

/** The backup folder's manifest and dump, given the folder or either file. */
export async function readBackup(path: string): Promise<{ manifest: BackupManifest; dumpPath: string }> {
  if (!existsSync(path)) throw new BackupError(`${displayPath(path)} does not exist.`);
  const folder = statSync(path).isDirectory() ? path : dirname(path);
  const manifestPath = join(folder, MANIFEST_FILE);
  if (!existsSync(manifestPath))
    throw new BackupError(
      `${displayPath(folder)} has no ${MANIFEST_FILE}: give the folder \`npm run backup\` wrote.`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new BackupError(`${displayPath(manifestPath)} is not JSON (${(error as Error).message}).`);
  }
  const parsed = ZBackupManifest.safeParse(raw);
  if (!parsed.success)
    throw new BackupError(
      `${displayPath(manifestPath)} is not a Baton backup manifest: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`)
        .join('; ')}.`,
    );
  return { manifest: parsed.data, dumpPath: join(folder, parsed.data.dump.file) };
}

/** Tables, views and sequences in the target: a restore goes only into a database without any. */
async function existingRelations(db: pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      ORDER BY c.relkind <> 'r', 1`,
  );
  return rows.map((r) => r.name);
}

/** Each difference between the restored database and the manifest, as a sentence. */
async function compareWithManifest(db: pg.ClientBase, manifest: BackupManifest): Promise<string[]> {
  const problems: string[] = [];
  const tables = await listTables(db);
  for (const [table, expected] of Object.entries(manifest.tables)) {
    if (!tables.includes(table)) problems.push(`table ${table} is missing`);
    else {
      const found = await countRows(db, table);
      if (found !== expected) problems.push(`${table} has ${found} rows, the backup ${expected}`);
    }
  }
  return problems.concat(
    tables.filter((t) => !(t in manifest.tables)).map((t) => `table ${t} is not in the backup`),
  );
}

/**
 * Restores `dumpPath` (checked against its manifest first) into the owner's database, which must be
 * empty, in one transaction (a failure leaves it empty again), then verifies it: row counts equal the
 * manifest's, the audit chain verifies up to the manifest's head, every data key the data uses is
 * configured, then migrates it to this release and grants the runtime role, and finally asks what the
 * api asks at start-up, as the runtime role.
 */
export async function restore(
  backupPath: string,
  options: RestoreOptions,
): Promise<{ manifest: BackupManifest; migrated: string[] }> {
  const { ownerUrl, log } = options;
  const { manifest, dumpPath } = await readBackup(backupPath);
  const target = databaseName(ownerUrl);
  log(
    `Backup of "${manifest.database}" taken ${manifest.createdAt} by Baton ${manifest.batonVersion}: ` +
      `${Object.values(manifest.tables).reduce((a, b) => a + b, 0)} rows in ${Object.keys(manifest.tables).length} tables.`,
  );

  log('[1/6] Checking the dump against its manifest…');
  if (!existsSync(dumpPath)) throw new BackupError(`the dump ${displayPath(dumpPath)} is missing.`);
  const sha256 = await sha256File(dumpPath);
  if (sha256 !== manifest.dump.sha256)
    throw new BackupError(
      `the dump ${displayPath(dumpPath)} does not match its manifest (sha256 ${sha256}, expected ` +
        `${manifest.dump.sha256}): it was changed or copied incompletely; restore another copy of this backup.`,
    );

  if (!options.runtimeRole)
    throw new BackupError(
      'no runtime role to grant the restored database to: set DATABASE_OWNER_URL (the owner, who restores) and ' +
        'DATABASE_URL (the runtime role the api and worker use) with different users ' +
        '(docs/SECURITY.md#database-roles). Nothing was restored.',
    );
  const missingKeys = describeMissingKeys(manifest.encryptionKeys, options.keyIds);
  if (missingKeys)
    throw new BackupError(`${missingKeys.replace(/^stored data/, 'the backup')} Nothing was restored.`);
  const known = new Set((await listMigrations(options.migrationsDir)).map((m) => m.name));
  const newer = manifest.migrations.filter((name) => !known.has(name));
  if (newer.length > 0)
    throw new BackupError(
      `the backup's schema is newer than this release (${newer.join(', ')} unknown here): restore it with ` +
        `Baton ${manifest.batonVersion} or later. Nothing was restored.`,
    );

  log(`[2/6] Checking that database "${target}" is empty…`);
  if (await ensureDatabase(ownerUrl)) log(`  created database "${target}".`);
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const existing = await existingRelations(db);
    if (existing.length > 0)
      throw new BackupError(
        `database "${target}" is not empty (${existing.length} tables, views or sequences, e.g. ${existing.slice(0, 3).join(', ')}); ` +
          `a restore never overwrites data. Point DATABASE_OWNER_URL and DATABASE_URL at a new database ` +
          `(npm run db:roles creates it), or, to replace this one, drop it first (DROP DATABASE "${target}") ` +
          `and create it empty again with npm run db:roles.`,
      );

    log(`[3/6] Restoring ${manifest.dump.bytes} bytes…`);
    const tableCount = Object.keys(manifest.tables).length;
    let restored = 0;
    await runPgTool(
      'pg_restore',
      // Objects belong to whoever restores (the owner role); the runtime role's grants are re-applied below.
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--verbose', dumpPath],
      ownerUrl,
      (line) => {
        const table = /processing data for table "?(?:[^".]+\.)?([^"]+)"?/.exec(line)?.[1];
        if (!table) return;
        restored += 1;
        log(`  [${restored}/${tableCount}] ${table} (${manifest.tables[table] ?? '?'} rows)`);
      },
    );

    log('[4/6] Verifying row counts, the audit chain and the data keys…');
    const problems = await compareWithManifest(db, manifest);
    // The chain's own consistency (signed checkpoints may be ahead of an older backup: see audit:verify),
    // from where the backed-up table began when older events had been archived.
    const archived = manifest.auditChain.archivedThrough;
    const chain = await verifyAuditChain(pgRunner(db), {
      ...(archived && { after: { chainPos: BigInt(archived.chainPosition), hash: archived.hash } }),
    });
    const head = manifest.auditChain.head;
    if (!chain.ok) problems.push(`the audit chain does not verify (${chain.firstBroken?.reason})`);
    else if (
      chain.checked !== manifest.auditChain.sealed ||
      chain.head?.chainPosition !== head?.chainPosition ||
      chain.head?.hash !== head?.hash
    )
      problems.push(
        `the audit chain ends at position ${chain.head?.chainPosition ?? 'none'}, the backup's at ${head?.chainPosition ?? 'none'}`,
      );
    const keys = describeMissingKeys(await readKeyUsage(db), options.keyIds);
    if (keys) problems.push(keys);
    if (problems.length > 0)
      throw new BackupError(
        `the restored database "${target}" differs from the backup: ${problems.join('; ')}. ` +
          `Do not start Baton on it; drop it and restore another backup.`,
      );
    log(
      `  ${Object.keys(manifest.tables).length} tables match; audit chain OK${head ? ` up to position ${head.chainPosition}` : ''} ` +
        `(${chain.checked} sealed events); data keys ${[...new Set(manifest.encryptionKeys.map((k) => k.keyId))].join(', ') || 'none needed'} configured.`,
    );
  } finally {
    await db.end().catch(() => undefined);
  }

  log('[5/6] Migrating to this release and granting the runtime role…');
  const { applied } = await deploy(ownerUrl, (line) => log(`  ${line}`), options.runtimeRole);

  log('[6/6] Checking the database as the api will at start-up…');
  const runtime = new pg.Client({ connectionString: options.runtimeUrl });
  await runtime.connect();
  try {
    const problem = await describeDatabaseProblem(runtime, {
      migrationsDir: options.migrationsDir,
      keyIds: options.keyIds,
    });
    if (problem) throw new BackupError(`restored, but Baton would not start on it: ${problem}`);
  } finally {
    await runtime.end().catch(() => undefined);
  }
  return { manifest, migrated: applied };
}

if (isEntrypoint(import.meta.url)) {
  const [path, ...rest] = process.argv.slice(2);
  const ownerUrl = resolveDatabaseUrl();
  const started = Date.now();
  try {
    if (!path || rest.length > 0)
      throw new BackupError(
        `usage: npm run restore -- <backup folder, or its ${MANIFEST_FILE} or ${DUMP_FILE}>`,
      );
    const runtimeRole = resolveRuntimeRole();
    await restore(resolve(path), {
      ownerUrl,
      runtimeUrl: process.env.DATABASE_URL || ownerUrl,
      runtimeRole,
      keyIds: configuredSecrets().keys.map((k) => k.id),
      migrationsDir: prismaPaths().migrationsDir,
      log: console.log,
    });
    console.log(
      `Restored ${basename(resolve(path))} into "${databaseName(ownerUrl)}" in ${((Date.now() - started) / 1000).toFixed(1)} s; Baton may start on it.`,
    );
  } catch (error) {
    console.error(`restore: ${describeError(error, ownerUrl)}`);
    process.exitCode = 1;
  }
}
