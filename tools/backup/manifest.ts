// What `npm run backup` writes beside its dump, and `npm run restore` checks the restored database against.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type pg from 'pg';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const DUMP_FILE = 'baton.dump';

const count = z.number().int().min(0);
const bigintText = z.string().regex(/^\d+$/);

export const ZBackupManifest = z.object({
  format: z.literal(1),
  batonVersion: z.string(),
  createdAt: z.iso.datetime(),
  /** The database the dump was taken from, and its server. */
  database: z.string(),
  postgresVersion: z.string(),
  dump: z.object({
    file: z.string().regex(/^[\w.-]+$/),
    /** `pg_dump --format=custom`, restored with pg_restore. */
    format: z.literal('pg_dump-custom'),
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** Migrations applied to the database, in order: the schema level of the dump. */
  migrations: z.array(z.string()),
  /** Rows per table, read in the dump's own snapshot. */
  tables: z.record(z.string(), count),
  auditChain: z.object({
    sealed: count,
    unsealed: count,
    head: z.object({ chainPosition: bigintText, seq: bigintText, hash: z.string() }).nullable(),
    /** The last position archived out of the table (`npm run audit:archive`) and its hash; null when none was. */
    archivedThrough: z.object({ chainPosition: bigintText, hash: z.string() }).nullable(),
  }),
  /** The data keys (ids only, never keys) the stored data uses, and where. */
  encryptionKeys: z.array(z.object({ keyId: z.string(), table: z.string(), holds: z.string(), rows: count })),
});
export type BackupManifest = z.infer<typeof ZBackupManifest>;

/** The application's tables (those of the connection's schema), by name. */
export async function listTables(db: pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Rows in `table`, a name read from the catalog. */
export async function countRows(db: pg.ClientBase, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${table.replace(/"/g, '""')}"`,
  );
  return rows[0]!.n;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `pg_dump`/`pg_restore` against `databaseUrl`, the password handed over in the environment rather
 * than on the command line (where `ps` would show it). `onLine` gets each line it reports on stderr.
 */
export function runPgTool(
  command: 'pg_dump' | 'pg_restore',
  args: string[],
  databaseUrl: string,
  onLine: (line: string) => void,
): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, `--dbname=${url.toString()}`], {
      env: { ...process.env, ...(password && { PGPASSWORD: password }) },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const errors: string[] = [];
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (/: (error|fatal|warning): /i.test(line)) errors.push(line);
        onLine(line);
      }
    });
    child.once('error', (error) =>
      reject(
        new BackupError(`cannot run ${command} (${error.message}); install the PostgreSQL client tools.`),
      ),
    );
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(`${command} failed (exit ${code}): ${errors.join(' ') || buffer || 'no message'}`),
        );
    });
  });
}
