import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, chainHash, type AuditRow } from './audit-chain.js';
import { checkSignature, parseCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';

/**
 * An archived segment of the audit chain, as JSON lines: this header, then the signed checkpoints
 * that vouch for where the segment starts and ends, then every event in chain order. The file is
 * checked on its own: the events re-hash into one chain from `prevHash` (the genesis, or a signed
 * head at `from - 1`) to `lastHash`, which a signed checkpoint names at position `to`.
 */
export interface AuditArchiveHeader {
  kind: 'baton-audit-archive';
  v: 1;
  database: string;
  from: string;
  to: string;
  events: string;
  prevHash: string;
  lastHash: string;
  /** The archive holds events sealed up to the last signed checkpoint before this time. */
  before: string;
  createdAt: string;
}

export type AuditArchiveLine =
  { header: AuditArchiveHeader } | { checkpoint: AuditCheckpoint } | { event: Record<string, unknown> };

export function archiveHeaderLine(header: AuditArchiveHeader): string {
  return JSON.stringify({ header });
}

export function archiveCheckpointLine(checkpoint: AuditCheckpoint): string {
  return JSON.stringify({ checkpoint });
}

export function archiveEventLine(row: AuditRow): string {
  return JSON.stringify({
    event: {
      ...row,
      seq: String(row.seq),
      chain_pos: String(row.chain_pos),
      occurred_at: row.occurred_at.toISOString(),
    },
  });
}

function eventRow(event: Record<string, unknown>): AuditRow {
  return { ...(event as unknown as AuditRow), occurred_at: new Date(String(event.occurred_at)) };
}

export interface ArchiveVerification {
  ok: boolean;
  header: AuditArchiveHeader | null;
  /** Events whose link and content verified. */
  checked: number;
  /** Signed checkpoints in the file whose signature and hash verified. */
  checkpoints: number;
  /** The first problem, naming its line. */
  failure: string | null;
}

/**
 * Verifies an archive read line by line (constant memory): signatures with `keys`, positions without
 * gaps, every link and hash, and the signed heads at both ends.
 */
export async function verifyArchive(
  lines: AsyncIterable<string> | Iterable<string>,
  keys: readonly KeyObject[],
): Promise<ArchiveVerification> {
  let header: AuditArchiveHeader | null = null;
  const anchors = new Map<string, string>();
  let checked = 0;
  let checkpoints = 0;
  let expected = 0n;
  let prev = '';
  let lineNo = 0;
  const fail = (failure: string): ArchiveVerification => ({
    ok: false,
    header,
    checked,
    checkpoints,
    failure: `line ${lineNo}: ${failure}`,
  });

  for await (const text of lines) {
    lineNo += 1;
    if (text.trim() === '') continue;
    let line: Partial<Record<'header' | 'checkpoint' | 'event', unknown>>;
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      return fail('not JSON');
    }
    if (lineNo === 1) {
      const h = line.header as AuditArchiveHeader | undefined;
      if (h?.kind !== 'baton-audit-archive' || h.v !== 1) return fail('not a Baton audit archive');
      header = h;
      expected = BigInt(h.from);
      prev = h.prevHash;
      if (expected === 1n && prev !== GENESIS_HASH)
        return fail('the chain starts at position 1 but not at the genesis');
      continue;
    }
    if (!header) return fail('no header');
    if (line.checkpoint !== undefined) {
      if (checked > 0) return fail('a checkpoint after the events');
      const c = parseCheckpoint(JSON.stringify(line.checkpoint));
      if (!c) return fail('a malformed checkpoint');
      const problem =
        checkSignature(c, keys) ??
        (c.database === header.database ? null : `it was made for database "${c.database}"`);
      if (problem) return fail(`checkpoint at position ${c.chainPos}: ${problem}`);
      anchors.set(c.chainPos, c.hash);
      checkpoints += 1;
      continue;
    }
    const event = line.event as Record<string, unknown> | undefined;
    if (!event) return fail('neither a checkpoint nor an event');
    if (checked === 0 && expected > 1n && anchors.get(String(expected - 1n)) !== prev) {
      return fail(`no signed checkpoint at position ${expected - 1n} vouches for where the archive starts`);
    }
    const row = eventRow(event);
    const pos = String(row.chain_pos);
    if (pos !== String(expected)) return fail(`position ${expected} is missing (found ${pos})`);
    if (row.prev_hash !== prev) return fail(`position ${pos}: prev_hash does not match the previous event`);
    if (row.hash !== chainHash(prev, row, pos)) {
      return fail(`position ${pos}: content does not match its hash (the event was altered)`);
    }
    const signed = anchors.get(pos);
    if (signed !== undefined && signed !== row.hash) {
      return fail(`position ${pos}: hash differs from the signed checkpoint (the segment was rewritten)`);
    }
    prev = row.hash;
    expected += 1n;
    checked += 1;
  }

  if (!header) return fail('empty file');
  if (String(expected - 1n) !== header.to || String(checked) !== header.events) {
    return fail(`the archive ends at position ${expected - 1n}, its header says ${header.to}`);
  }
  if (prev !== header.lastHash || anchors.get(header.to) !== prev) {
    return fail(`no signed checkpoint at position ${header.to} vouches for the archive's last event`);
  }
  return { ok: true, header, checked, checkpoints, failure: null };
}
