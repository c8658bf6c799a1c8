import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { GENESIS_HASH, chainHash, readUnsealedAuditRows } from '@baton/security';

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
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`;
      } else {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`;
        if (!lock?.locked) return 0;
      }
      const rows = await readUnsealedAuditRows(prismaRunner(tx), limit);
      if (rows.length === 0) return 0;
      const [tip] = await tx.$queryRaw<{ chain_pos: bigint; hash: string }[]>`
        SELECT chain_pos, hash FROM audit_events WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1`;
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
      await tx.$executeRaw`
        UPDATE audit_events AS a SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
          FROM unnest(${seqs}::bigint[], ${positions}::bigint[], ${prevs}::text[], ${hashes}::text[])
               AS v(seq, pos, prev, hash)
         WHERE a.seq = v.seq`;
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
