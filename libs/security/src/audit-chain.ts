import type { ChainVerification } from '@baton/contracts';
import { hash } from 'node:crypto';
import type { CheckpointSet } from './audit-checkpoint.js';
import type { SqlRunner } from './sql-runner.js';

/** The `prev_hash` of the first sealed event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit_events row as PostgreSQL returns it (pg gives bigints as strings, Prisma as bigint). */
export interface AuditRow {
  seq: bigint | string;
  chain_pos: bigint | string | null;
  occurred_at: Date;
  actor_id: string | null;
  actor_email: string | null;
  actor_roles: string[];
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  data: unknown;
  prev_hash: string | null;
  hash: string | null;
}

export const AUDIT_COLUMNS =
  'seq, chain_pos, occurred_at, actor_id, actor_email, actor_roles, action, target_type, target_id, result, ip, user_agent, request_id, data, prev_hash, hash';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** One stable serialisation of everything an event says, including its place in the chain. */
export function canonicalRow(row: AuditRow, chainPos: bigint | string): string {
  return JSON.stringify([
    String(row.seq),
    String(chainPos),
    row.occurred_at.toISOString(),
    row.actor_id,
    row.actor_email,
    row.actor_roles,
    row.action,
    row.target_type,
    row.target_id,
    row.result,
    row.ip,
    row.user_agent,
    row.request_id,
    sortKeys(row.data),
  ]);
}

/**
 * `SHA-256(prev_hash ‖ canonical row)`, hex. The one-shot `hash` costs a third of a `createHash`
 * object per event, which is most of what verifying a long chain spends outside PostgreSQL.
 */
export function chainHash(prevHash: string, row: AuditRow, chainPos: bigint | string): string {
  return hash('sha256', prevHash + canonicalRow(row, chainPos), 'hex');
}

/** Sealed events from chain position `from` on, in chain order (the columns are {@link AUDIT_COLUMNS}). */
export function readSealedAuditRows(run: SqlRunner, from: bigint, limit: number): Promise<AuditRow[]> {
  return run<AuditRow>`
    SELECT seq, chain_pos, occurred_at, actor_id, actor_email, actor_roles, action, target_type, target_id,
           result, ip, user_agent, request_id, data, prev_hash, hash
      FROM audit_events WHERE chain_pos >= ${from.toString()}::bigint ORDER BY chain_pos LIMIT ${limit}`;
}

/** Unsealed events in the order the sealer chains them (the columns are {@link AUDIT_COLUMNS}). */
export function readUnsealedAuditRows(run: SqlRunner, limit: number): Promise<AuditRow[]> {
  return run<AuditRow>`
    SELECT seq, chain_pos, occurred_at, actor_id, actor_email, actor_roles, action, target_type, target_id,
           result, ip, user_agent, request_id, data, prev_hash, hash
      FROM audit_events WHERE chain_pos IS NULL ORDER BY seq LIMIT ${limit}`;
}

export interface ChainWalkOptions {
  pageSize?: number;
  /** Signed checkpoints to hold the chain against (see `checkpointSet`). */
  checkpoints?: CheckpointSet;
  /** Start after this trusted event instead of at the genesis (the worker's check since its last checkpoint). */
  after?: { chainPos: bigint; hash: string };
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

type ChainStart =
  | { chainPos: bigint; hash: string; archived: true }
  | { broken: NonNullable<ChainVerification['firstBroken']> }
  | Record<string, never>;

/**
 * Where the chain in the database begins. After `audit:archive` removed its oldest events, it begins
 * after the archive's last event, which only a signed checkpoint at that position can vouch for:
 * without one, a missing beginning is a removal like any other.
 */
async function archivedPrefix(run: SqlRunner, checkpoints: CheckpointSet | undefined): Promise<ChainStart> {
  const [first] = await run<{ seq: bigint | string; chain_pos: bigint | string; prev_hash: string }>`
    SELECT seq, chain_pos, prev_hash FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos LIMIT 1`;
  if (!first || BigInt(first.chain_pos) === 1n) return {};
  const through = BigInt(first.chain_pos) - 1n;
  if (checkpoints?.anchors.get(through)?.some((anchor) => anchor.hash === first.prev_hash)) {
    return { chainPos: through, hash: first.prev_hash, archived: true };
  }
  return {
    broken: {
      seq: String(first.seq),
      chainPosition: String(first.chain_pos),
      reason: `chain positions 1 to ${through} are missing and no signed checkpoint at position ${through} vouches for where the rest begins (events were removed, or archived without the checkpoint file at hand)`,
    },
  };
}

/**
 * Walks the sealed chain in order and reports the first event whose position, link or content
 * does not match, or whose hash differs from a signed checkpoint for its position. Reads in pages
 * so it runs in constant memory on any table size.
 */
export async function verifyAuditChain(
  run: SqlRunner,
  options: ChainWalkOptions | number = {},
): Promise<ChainVerification> {
  const {
    pageSize = 10_000,
    checkpoints,
    after,
  } = typeof options === 'number' ? { pageSize: options } : options;
  let checked = 0;
  let head: ChainVerification['head'] = null;
  let firstBroken: ChainVerification['firstBroken'] = null;
  let checkpointFailure = checkpoints?.failure ?? null;
  let anchorsMatched = 0;
  const start = after ?? (await archivedPrefix(run, checkpoints));
  if ('broken' in start) firstBroken = start.broken;
  const archivedThrough = 'archived' in start ? String(start.chainPos) : null;
  let expectedPos = 'chainPos' in start ? start.chainPos + 1n : 1n;
  let prevHash = 'hash' in start ? start.hash : GENESIS_HASH;

  // The next page is read while this one is hashed, so PostgreSQL and the hashing overlap. It starts
  // where an intact page ends; a page that is not intact ends the walk and its read-ahead is dropped.
  let next = firstBroken ? Promise.resolve([]) : readSealedAuditRows(run, expectedPos, pageSize);
  outer: for (;;) {
    const rows = await next;
    const full = rows.length === pageSize;
    if (full) {
      next = readSealedAuditRows(run, expectedPos + BigInt(pageSize), pageSize);
      // Marked handled for when it is dropped; awaiting it still throws.
      next.catch(() => undefined);
    }

    for (const row of rows) {
      const pos = BigInt(row.chain_pos!);
      const broken = (reason: string) => ({ seq: String(row.seq), chainPosition: String(pos), reason });
      if (pos !== expectedPos) {
        firstBroken = broken(`chain position ${expectedPos} is missing (a sealed event was removed)`);
        break outer;
      }
      if (row.prev_hash !== prevHash) {
        firstBroken = broken('prev_hash does not match the previous event');
        break outer;
      }
      if (row.hash !== chainHash(prevHash, row, pos)) {
        firstBroken = broken('content does not match its hash (the event was altered)');
        break outer;
      }
      for (const anchor of checkpoints?.anchors.get(pos) ?? []) {
        if (anchor.hash !== row.hash) {
          // The chain is consistent but not the one that was signed: it was rewritten and re-hashed.
          checkpointFailure ??= {
            chainPosition: String(pos),
            createdAt: anchor.createdAt,
            reason: `position ${pos}: database hash ${short(row.hash)} differs from the signed checkpoint of ${anchor.createdAt} (${short(anchor.hash)}); an event at or before this position was rewritten`,
          };
          break outer;
        }
        anchorsMatched += 1;
      }
      checked += 1;
      prevHash = row.hash;
      head = { chainPosition: String(pos), seq: String(row.seq), hash: row.hash };
      expectedPos += 1n;
    }
    if (!full) break;
  }

  const latest = checkpoints?.latest ?? null;
  if (!firstBroken && latest && BigInt(latest.chainPos) >= expectedPos) {
    checkpointFailure ??= {
      chainPosition: latest.chainPos,
      createdAt: latest.createdAt,
      reason: `position ${latest.chainPos}: the signed checkpoint of ${latest.createdAt} names an event the database no longer has (the chain ends at ${expectedPos - 1n}); the newest events were removed`,
    };
  }

  const [unsealed] = await run<{ count: string | bigint; oldest: Date | null }>`
    SELECT count(*) AS count, min(occurred_at) AS oldest FROM audit_events WHERE chain_pos IS NULL`;
  const oldest = unsealed?.oldest ?? null;
  return {
    ok: firstBroken === null && checkpointFailure === null,
    checked,
    archivedThrough,
    head,
    firstBroken,
    unsealed: Number(unsealed?.count ?? 0),
    oldestUnsealedSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : null,
    ...(checkpoints && {
      checkpoints: {
        verified: anchorsMatched,
        latest: latest && { chainPosition: latest.chainPos, hash: latest.hash, createdAt: latest.createdAt },
        keyIds: checkpoints.keyIds,
        failure: checkpointFailure,
      },
    }),
  };
}
