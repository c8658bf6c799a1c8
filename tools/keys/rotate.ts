// `npm run keys:rotate [-- --batch-size <n>]`: re-encrypts every encrypted value still under an older
// data key with the first key of DATA_ENCRYPTION_KEYS, while the product runs.
// Env: DATABASE_URL (the runtime role), DATA_ENCRYPTION_KEYS (else the secrets file, SECRETS_FILE).
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  DataCipher,
  describeMissingKeys,
  ENCRYPTED_TABLES,
  readKeyUsage,
  type EncryptedTable,
} from '@baton/security';
import type { AuditAction } from '@baton/contracts';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';
import { configuredSecrets, KeysError, type ConfiguredSecrets } from './configured-keys.js';
import { isEntrypoint } from '../entrypoint.js';

type Log = (line: string) => void;

export interface RotationResult {
  keyId: string;
  rotated: number;
  batches: number;
  /** Configured keys no stored value uses any more: they may be removed. */
  unused: string[];
}

export interface RotationOptions {
  databaseUrl: string;
  secrets: ConfiguredSecrets;
  batchSize?: number;
  log?: Log;
  /** Stops between batches (what a kill does, without losing the batch in flight). */
  signal?: AbortSignal;
}

const ROTATED: AuditAction = 'data_key.rotated';

/**
 * One batch of `t`: its rows under another key, locked (a concurrent write waits for this short
 * transaction, or this one for it, and is then re-checked), re-encrypted and audited together.
 * Returns how many rows it re-encrypted (0: the table is done).
 */
async function rotateBatch(
  db: pg.ClientBase,
  cipher: DataCipher,
  t: EncryptedTable,
  batchSize: number,
): Promise<number> {
  const columns = Object.keys(t.columns);
  const current = cipher.currentKeyId;
  await db.query('BEGIN');
  try {
    // A row the product keeps locked makes this batch fail rather than hold up its writers; a re-run resumes.
    await db.query(`SET LOCAL lock_timeout = '5s'`);
    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT id, ${t.bindingColumn} AS binding, key_id, ${columns.join(', ')} FROM ${t.table}
        WHERE key_id IS NOT NULL AND key_id <> $1 ORDER BY id LIMIT $2 FOR UPDATE`,
      [current, batchSize],
    );
    const from = new Set<string>();
    for (const row of rows) {
      const keyId = row.key_id!;
      from.add(keyId);
      const values = columns.map((column) => {
        const ciphertext = row[column];
        if (!ciphertext) return null;
        const context = t.columns[column]!(row.binding!);
        let plain: string;
        try {
          plain = cipher.decrypt({ ciphertext, keyId }, context);
        } catch (error) {
          throw new KeysError(
            `${t.table} ${row.id}: ${column} does not decrypt under key "${keyId}" (${(error as Error).message}); nothing of this batch was changed.`,
          );
        }
        return cipher.encrypt(plain, context).ciphertext;
      });
      await db.query(
        `UPDATE ${t.table} SET ${columns.map((c, i) => `${c} = $${i + 3}`).join(', ')}, key_id = $2 WHERE id = $1`,
        [row.id, current, ...values],
      );
    }
    if (rows.length > 0) {
      await db.query(
        `INSERT INTO audit_events (actor_roles, action, target_type, target_id, result, data)
         VALUES ('{}', $1, 'data_key', $2, 'success', $3)`,
        [
          ROTATED,
          current,
          JSON.stringify({
            table: t.table,
            rows: rows.length,
            fromKeys: [...from].sort(),
            by: 'keys:rotate',
          }),
        ],
      );
    }
    await db.query('COMMIT');
    return rows.length;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function rotateKeys(options: RotationOptions): Promise<RotationResult> {
  const { secrets, batchSize = 500, log = () => undefined, signal } = options;
  const cipher = new DataCipher(secrets.keys, secrets.blindIndexKey);
  const current = cipher.currentKeyId;
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    const usage = await readKeyUsage(db);
    const missing = describeMissingKeys(
      usage,
      secrets.keys.map((k) => k.id),
    );
    if (missing) throw new KeysError(missing.replace(/^stored data/, 'Cannot rotate: stored data'));
    log(`Re-encrypting under data key "${current}", the first of DATA_ENCRYPTION_KEYS.`);
    let rotated = 0;
    let batches = 0;
    for (const t of ENCRYPTED_TABLES) {
      const total = usage
        .filter((u) => u.table === t.table && u.keyId !== current)
        .reduce((sum, u) => sum + u.rows, 0);
      if (total === 0) continue;
      let done = 0;
      for (;;) {
        if (signal?.aborted) {
          log(`Stopped after ${batches} batch(es); run it again to finish.`);
          return { keyId: current, rotated, batches, unused: [] };
        }
        const n = await rotateBatch(db, cipher, t, batchSize);
        if (n === 0) break;
        done += n;
        rotated += n;
        batches += 1;
        // Rows written meanwhile under an old key (by a process not restarted yet) can push past the count.
        log(`${t.table} (${t.holds}): ${done}/${Math.max(total, done)}`);
      }
    }
    const inUse = new Set((await readKeyUsage(db)).map((u) => u.keyId));
    const unused = secrets.keys.map((k) => k.id).filter((id) => id !== current && !inUse.has(id));
    log(
      rotated === 0
        ? `Nothing to re-encrypt: every encrypted value is under "${current}".`
        : `${rotated} row(s) re-encrypted in ${batches} batch(es).`,
    );
    const left = [...inUse].filter((id) => id !== current);
    // Rows changed by the product while a batch was chosen are skipped by it: another run takes them.
    if (left.length > 0)
      log(`Some data is still under ${left.map((id) => `"${id}"`).join(', ')}: run it again.`);
    if (unused.length > 0)
      log(
        `No stored data uses ${unused.map((id) => `"${id}"`).join(', ')} any more: remove it from DATA_ENCRYPTION_KEYS ` +
          `and restart (keep it with the backups made before now, which still need it).`,
      );
    return { keyId: current, rotated, batches, unused };
  } finally {
    await db.end().catch(() => undefined);
  }
}

if (isEntrypoint(import.meta.url)) {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string' } } });
  const batchSize = Number(values['batch-size'] ?? 500);
  const stop = new AbortController();
  // Ctrl-C finishes the batch in flight, then stops; a second one kills at once (the batch rolls back).
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new KeysError('--batch-size must be a whole number from 1 to 10000.');
    await rotateKeys({
      databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
      secrets: configuredSecrets(),
      batchSize,
      log: console.log,
      signal: stop.signal,
    });
  } catch (error) {
    console.error(`keys:rotate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
