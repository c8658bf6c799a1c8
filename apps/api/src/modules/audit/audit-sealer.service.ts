import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AUDIT_COLUMNS, GENESIS_HASH, chainHash, type AuditRow } from '@baton/security';

// pg_advisory_xact_lock key: one sealer at a time across every worker and API instance.
const SEALER_LOCK = 0x0ba7_0a0d;

/**
 * Links unsealed audit events into the hash chain. Events are chained in the order the sealer
 * sees them committed (by `seq` within each batch), which is what makes concurrent writers
 * produce one valid chain: a late-committing low `seq` simply takes the next chain position.
 */
@Injectable()
export class AuditSealerService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Seals up to `limit` events; returns how many. Without `wait`, returns 0 at once when another
   * instance is sealing (it will pick these events up too).
   */
  async sealPending(limit = 5000, wait = false): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      if (wait) {
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', SEALER_LOCK);
      } else {
        const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
          'SELECT pg_try_advisory_xact_lock($1) AS locked',
          SEALER_LOCK,
        );
        if (!lock?.locked) return 0;
      }
      const rows = await tx.$queryRawUnsafe<AuditRow[]>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_pos IS NULL ORDER BY seq LIMIT $1`,
        limit,
      );
      if (rows.length === 0) return 0;
      const [tip] = await tx.$queryRawUnsafe<{ chain_pos: bigint; hash: string }[]>(
        'SELECT chain_pos, hash FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1',
      );
      let pos = tip ? BigInt(tip.chain_pos) : 0n;
      let prev = tip?.hash ?? GENESIS_HASH;
      const seqs: string[] = [];
      const positions: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        pos += 1n;
        const hash = chainHash(prev, row, pos);
        seqs.push(String(row.seq));
        positions.push(String(pos));
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await tx.$executeRawUnsafe(
        `UPDATE audit_events AS a SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(seq, pos, prev, hash)
          WHERE a.seq = v.seq`,
        seqs,
        positions,
        prevs,
        hashes,
      );
      return rows.length;
    });
  }

  /** Seals until nothing is left, waiting for other sealers (tests, benchmarks). */
  async sealAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealPending(5000, true);
      if (sealed === 0) return total;
      total += sealed;
    }
  }
}
