// `npm run backup [-- --out <dir>]`: a consistent logical copy of the database (pg_dump, custom format)
// and its manifest, in `.data/backups/<UTC time>/` unless --out names a folder.
// Env: DATABASE_OWNER_URL (the owner role, which can read every object; DATABASE_URL when unset).
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { displayPath, readKeyUsage } from '@baton/security';
import { describeError } from '../db/migrate.js';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';
import {
  BackupError,
  countRows,
  DUMP_FILE,
  listTables,
  MANIFEST_FILE,
  runPgTool,
  sha256File,
  type BackupManifest,
} from './manifest.js';
import { isEntrypoint } from '../entrypoint.js';

type Log = (line: string) => void;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function defaultBackupDir(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''); // 20261208T001500Z
  return join(root, '.data', 'backups', stamp);
}

/** What the manifest says about the database, read inside the transaction whose snapshot pg_dump uses. */
async function describeSnapshot(
  db: pg.ClientBase,
): Promise<Omit<BackupManifest, 'format' | 'batonVersion' | 'createdAt' | 'dump'>> {
  const { rows: about } = await db.query<{ database: string; version: string }>(
    `SELECT current_database() AS database, current_setting('server_version') AS version`,
  );
  const counts: Record<string, number> = {};
  for (const table of await listTables(db)) counts[table] = await countRows(db, table);
  const { rows: migrations } = await db.query<{ name: string }>(
    `SELECT migration_name AS name FROM _prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
  const { rows: chain } = await db.query<{
    sealed: number;
    unsealed: number;
    seq: string | null;
    chain_pos: string | null;
    hash: string | null;
    first_pos: string | null;
    first_prev_hash: string | null;
  }>(
    `SELECT (SELECT count(*)::int FROM audit_events WHERE chain_pos IS NOT NULL) AS sealed,
            (SELECT count(*)::int FROM audit_events WHERE chain_pos IS NULL) AS unsealed,
            head.seq::text, head.chain_pos::text, head.hash,
            first.chain_pos::text AS first_pos, first.prev_hash AS first_prev_hash
       FROM (SELECT 1) one LEFT JOIN LATERAL (
         SELECT seq, chain_pos, hash FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1
       ) head ON true LEFT JOIN LATERAL (
         SELECT chain_pos, prev_hash FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos LIMIT 1
       ) first ON true`,
  );
  const c = chain[0]!;
  return {
    database: about[0]!.database,
    postgresVersion: about[0]!.version,
    migrations: migrations.map((m) => m.name),
    tables: counts,
    auditChain: {
      sealed: c.sealed,
      unsealed: c.unsealed,
      head: c.seq ? { chainPosition: c.chain_pos!, seq: c.seq, hash: c.hash! } : null,
      // Where the table's chain begins: after the positions `npm run audit:archive` moved out, if any.
      archivedThrough:
        c.first_pos && c.first_pos !== '1'
          ? { chainPosition: (BigInt(c.first_pos) - 1n).toString(), hash: c.first_prev_hash! }
          : null,
    },
    encryptionKeys: await readKeyUsage(db),
  };
}

/**
 * Dumps the database into `outDir` (which must not exist yet) with its manifest. Counts, chain head and
 * key ids are read in the very snapshot pg_dump copies (an exported snapshot), so they describe the
 * dump exactly while the product keeps writing. Written to `<outDir>.partial` and renamed at the end:
 * a folder with a manifest is always a complete backup.
 */
export async function backup(databaseUrl: string, outDir: string, log: Log): Promise<BackupManifest> {
  if (existsSync(outDir)) throw new BackupError(`${displayPath(outDir)} already exists; name a new folder.`);
  const partial = `${outDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  // The dump holds password hashes, sessions and encrypted data: readable by its owner only.
  await mkdir(partial, { recursive: true, mode: 0o700 });
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    await db.connect();
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await db.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const about = await describeSnapshot(db);
    const tableCount = Object.keys(about.tables).length;
    const rowCount = Object.values(about.tables).reduce((a, b) => a + b, 0);
    log(`Backing up "${about.database}": ${tableCount} tables, ${rowCount} rows.`);
    const dumpPath = join(partial, DUMP_FILE);
    let dumped = 0;
    await runPgTool(
      'pg_dump',
      ['--format=custom', `--snapshot=${rows[0]!.snapshot}`, '--verbose', `--file=${dumpPath}`],
      databaseUrl,
      (line) => {
        const table = /dumping contents of table "?(?:[^".]+\.)?([^"]+)"?/.exec(line)?.[1];
        if (!table) return;
        dumped += 1;
        log(`  [${dumped}/${tableCount}] ${table} (${about.tables[table] ?? '?'} rows)`);
      },
    );
    await db.query('COMMIT');
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const manifest: BackupManifest = {
      format: 1,
      batonVersion: version,
      createdAt: new Date().toISOString(),
      ...about,
      dump: {
        file: DUMP_FILE,
        format: 'pg_dump-custom',
        bytes: (await stat(dumpPath)).size,
        sha256: await sha256File(dumpPath),
      },
    };
    await chmod(dumpPath, 0o600);
    await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await rename(partial, outDir);
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await db.end().catch(() => undefined);
  }
}

if (isEntrypoint(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = values.out ? resolve(values.out) : defaultBackupDir();
  const started = Date.now();
  const databaseUrl = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  try {
    const manifest = await backup(databaseUrl, outDir, console.log);
    const head = manifest.auditChain.head;
    console.log(
      [
        `Backup written to ${displayPath(outDir)} in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
        `  ${basename(DUMP_FILE)}: ${manifest.dump.bytes} bytes, sha256 ${manifest.dump.sha256}`,
        `  schema: ${manifest.migrations.length} migrations, the latest ${manifest.migrations.at(-1) ?? 'none'}`,
        `  audit chain: ${manifest.auditChain.sealed} sealed event(s)${head ? `, head at position ${head.chainPosition} (hash ${head.hash})` : ''}`,
        `  data keys used: ${[...new Set(manifest.encryptionKeys.map((k) => k.keyId))].join(', ') || 'none'} (keep them: the backup cannot be read without)`,
      ].join('\n'),
    );
  } catch (error) {
    console.error(`backup: ${describeError(error, databaseUrl)}`);
    process.exitCode = 1;
  }
}
