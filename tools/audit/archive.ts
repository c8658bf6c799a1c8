// `npm run audit:archive -- --before <date> [--out <file>] [--checkpoints <file>] [--public-key <file>]`
// Env: DATABASE_OWNER_URL (the tables' owner: only it may remove audit events; DATABASE_URL when unset),
// AUDIT_CHECKPOINT_FILE, AUDIT_CHECKPOINT_PUBLIC_KEY_FILE, AUDIT_CHECKPOINT_KEY_FILE (as audit:verify).
import { createReadStream } from 'node:fs';
import { link, open, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  archiveCheckpointLine,
  archiveEventLine,
  archiveHeaderLine,
  pgRunner,
  readCheckpointFile,
  readCheckpointPublicKeys,
  readSealedAuditRows,
  verifyAuditChain,
  parseCheckpoint,
  type AuditArchiveHeader,
} from '@baton/security';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';
import { defaultCheckpointSource, verifyArchiveFile, type CheckpointSource } from './verify.js';
import { isEntrypoint } from '../entrypoint.js';

const PAGE = 10_000;

export class ArchiveError extends Error {}

export interface ArchiveOptions {
  databaseUrl: string;
  before: Date;
  /** The archive file; by default `baton-audit-<database>-<from>-<to>.jsonl` in the working folder. */
  out?: string;
  source: CheckpointSource;
  log?: (line: string) => void;
}

export interface ArchiveResult {
  file: string;
  from: string;
  to: string;
  events: number;
}

/**
 * Moves the oldest sealed audit events out of the table: those up to the newest signed checkpoint
 * whose event happened before `before` (never the chain's last event, which the sealer links on
 * from). The whole chain is verified against the checkpoints first; the segment is written with its
 * checkpoints, read back and verified, and only then deleted, in one transaction that records
 * `audit.archived`. Returns null when there is nothing to archive.
 */
export async function archiveAuditEvents(options: ArchiveOptions): Promise<ArchiveResult | null> {
  const log = options.log ?? (() => undefined);
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    const run = pgRunner(db);
    // One archival at a time; released when this connection ends.
    const [lock] = await run<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(hashtext('baton:audit-archive')) AS locked`;
    if (!lock?.locked) throw new ArchiveError('another audit:archive is running on this database');
    const [{ name: database } = { name: '' }] = await run<{
      name: string;
    }>`SELECT current_database() AS name`;
    const keys = await readCheckpointPublicKeys(options.source.publicKeyFile, options.source.privateKeyFile);
    const checkpoints = await readCheckpointFile(options.source.file, keys, database);
    if (!checkpoints || checkpoints.count === 0) {
      throw new ArchiveError(
        `no signed checkpoints in ${options.source.file}: the archive's end must be vouched for by one (is AUDIT_CHECKPOINT_FILE set?)`,
      );
    }
    const chain = await verifyAuditChain(run, { checkpoints });
    if (!chain.ok) {
      const why = chain.firstBroken?.reason ?? chain.checkpoints?.failure?.reason ?? 'unknown';
      throw new ArchiveError(`the audit chain does not verify, nothing was archived: ${why}`);
    }
    log(`chain verified: ${chain.checked} event(s), head at position ${chain.head?.chainPosition ?? '-'}`);

    const [bounds] = await run<{ first: string | null; last: string | null; prev: string | null }>`
      SELECT min(chain_pos)::text AS first, max(chain_pos)::text AS last,
             (SELECT prev_hash FROM audit_events WHERE chain_pos = (SELECT min(chain_pos) FROM audit_events)) AS prev
        FROM audit_events WHERE chain_pos IS NOT NULL`;
    if (!bounds?.first || !bounds.last || !bounds.prev) return null;
    const [first, last] = [BigInt(bounds.first), BigInt(bounds.last)];
    // Never the head: the sealer links the next events on from it.
    const candidates = [...checkpoints.anchors.keys()].filter((pos) => pos >= first && pos < last);
    const [end] = await run<{ chain_pos: string; hash: string }>`
      SELECT chain_pos::text, hash FROM audit_events
       WHERE chain_pos = ANY(${candidates.map(String)}::bigint[]) AND occurred_at < ${options.before}
       ORDER BY chain_pos DESC LIMIT 1`;
    if (!end) return null;
    const from = bounds.first;
    const to = end.chain_pos;
    const events = Number(BigInt(to) - BigInt(from) + 1n);

    const header: AuditArchiveHeader = {
      kind: 'baton-audit-archive',
      v: 1,
      database,
      from,
      to,
      events: String(events),
      prevHash: bounds.prev,
      lastHash: end.hash,
      before: options.before.toISOString(),
      createdAt: new Date().toISOString(),
    };
    const file = resolve(options.out ?? `baton-audit-${database}-${from}-${to}.jsonl`);
    await writeArchive(
      file,
      header,
      async function* () {
        for (let at = BigInt(from); at <= BigInt(to); at += BigInt(PAGE)) {
          const rows = await readSealedAuditRows(run, at, Math.min(PAGE, Number(BigInt(to) - at + 1n)));
          for (const row of rows) yield archiveEventLine(row);
          log(`written ${Math.min(Number(at - BigInt(from)) + rows.length, events)} of ${events} event(s)`);
        }
      },
      checkpointLinesFor(options.source.file, database, BigInt(from) - 1n, BigInt(to)),
    );

    const verified = await verifyArchiveFile(file, keys);
    if (!verified.ok || verified.header?.lastHash !== end.hash) {
      await rm(file, { force: true });
      throw new ArchiveError(`the archive written did not verify, nothing was removed: ${verified.failure}`);
    }
    log(`archive verified: ${verified.checked} event(s), ${verified.checkpoints} signed checkpoint(s)`);

    await db.query('BEGIN');
    try {
      await db.query(`SELECT set_config('baton.audit_archive_through', $1, true)`, [to]);
      let removed = 0;
      for (let at = BigInt(from); at <= BigInt(to); at += BigInt(PAGE)) {
        const upto = at + BigInt(PAGE) - 1n < BigInt(to) ? at + BigInt(PAGE) - 1n : BigInt(to);
        const result = await db.query('DELETE FROM audit_events WHERE chain_pos BETWEEN $1 AND $2', [
          String(at),
          String(upto),
        ]);
        removed += result.rowCount ?? 0;
        log(`removed ${removed} of ${events} event(s)`);
      }
      if (removed !== events) throw new ArchiveError(`removed ${removed} event(s), expected ${events}`);
      await db.query(
        `INSERT INTO audit_events (actor_roles, action, result, target_type, data)
         VALUES ('{}', 'audit.archived', 'success', 'audit', $1::jsonb)`,
        [
          JSON.stringify({
            from,
            to,
            events,
            lastHash: end.hash,
            before: header.before,
            file: basename(file),
          }),
        ],
      );
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
    return { file, from, to, events };
  } finally {
    await db.end();
  }
}

/**
 * The signed checkpoint lines of the file sink that vouch for the segment: every one inside it and
 * the one at its start (`from - 1`), read again from the file and re-checked by the verification.
 */
async function* checkpointLinesFor(
  file: string,
  database: string,
  startAnchor: bigint,
  to: bigint,
): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const seen = new Set<string>();
  for await (const text of lines) {
    const c = parseCheckpoint(text);
    if (!c || c.database !== database) continue;
    const pos = BigInt(c.chainPos);
    if (pos < startAnchor || pos > to || seen.has(text)) continue;
    seen.add(text);
    yield archiveCheckpointLine(c);
  }
}

/**
 * Writes the archive privately (mode 0600: it holds who did what, and from where) under a temporary
 * name, flushes it to disk, and only then gives it its name; an existing file is never overwritten.
 */
async function writeArchive(
  file: string,
  header: AuditArchiveHeader,
  events: () => AsyncGenerator<string>,
  checkpoints: AsyncGenerator<string>,
): Promise<void> {
  const partial = `${file}.partial`;
  const handle = await open(partial, 'wx', 0o600);
  try {
    await handle.write(`${archiveHeaderLine(header)}\n`);
    for await (const line of checkpoints) await handle.write(`${line}\n`);
    for await (const line of events()) await handle.write(`${line}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(partial, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await link(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

if (isEntrypoint(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      out: { type: 'string' },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string' },
    },
  });
  const before = values.before ? new Date(values.before) : null;
  if (!before || Number.isNaN(before.getTime())) {
    console.error('audit:archive needs --before <date>, e.g. --before 2026-01-01');
    process.exit(2);
  }
  const defaults = defaultCheckpointSource();
  const source: CheckpointSource = {
    ...defaults,
    ...(values.checkpoints && { file: resolve(values.checkpoints) }),
    ...(values['public-key'] && { publicKeyFile: resolve(values['public-key']), privateKeyFile: undefined }),
  };
  try {
    const result = await archiveAuditEvents({
      databaseUrl: process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
      before,
      ...(values.out && { out: values.out }),
      source,
      log: (line) => console.log(line),
    });
    console.log(
      result
        ? `archived ${result.events} audit event(s), chain positions ${result.from} to ${result.to}, to ${result.file}; removed from the database.`
        : `nothing to archive: no signed checkpoint before ${before.toISOString()} below the chain's head.`,
    );
  } catch (error) {
    console.error(error instanceof ArchiveError ? `audit:archive: ${error.message}` : error);
    process.exit(1);
  }
}
