import type { ChainVerification } from '@baton/contracts';
import { createHash } from 'node:crypto';

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

/** `SHA-256(prev_hash ‖ canonical row)`, hex. */
export function chainHash(prevHash: string, row: AuditRow, chainPos: bigint | string): string {
  return createHash('sha256').update(prevHash).update(canonicalRow(row, chainPos)).digest('hex');
}

/** Runs one parameterised query; lets the API (Prisma) and the CLI (pg) share the verifier. */
export type SqlRunner = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * Walks the sealed chain in order and reports the first event whose position, link or content
 * does not match. Reads in pages so it runs in constant memory on any table size.
 */
export async function verifyAuditChain(run: SqlRunner, pageSize = 5000): Promise<ChainVerification> {
  let expectedPos = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let head: ChainVerification['head'] = null;
  let firstBroken: ChainVerification['firstBroken'] = null;

  outer: for (;;) {
    const rows = await run<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events
        WHERE chain_pos >= $1 ORDER BY chain_pos LIMIT $2`,
      [expectedPos.toString(), pageSize],
    );
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
      checked += 1;
      prevHash = row.hash;
      head = { chainPosition: String(pos), seq: String(row.seq), hash: row.hash };
      expectedPos += 1n;
    }
    if (rows.length < pageSize) break;
  }

  const [unsealed] = await run<{ count: string | bigint; oldest: Date | null }>(
    `SELECT count(*) AS count, min(occurred_at) AS oldest FROM audit_events WHERE chain_pos IS NULL`,
    [],
  );
  const oldest = unsealed?.oldest ?? null;
  return {
    ok: firstBroken === null,
    checked,
    head,
    firstBroken,
    unsealed: Number(unsealed?.count ?? 0),
    oldestUnsealedSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : null,
  };
}
