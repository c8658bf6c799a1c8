import type { AuditEvent, AuditFilter, AuditPage, AuditQuery, ChainVerification } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import type { AuditEvent as AuditEventRow } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { AuditCheckpointService } from './audit-checkpoint.service.js';
import { verifyAuditChain } from '@baton/security';

/** Events newer than a window's end beyond which walking back by seq costs more than reading the window. */
const WALK_LIMIT = 20_000n;

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq.toString(),
    chainPosition: row.chainPos?.toString() ?? null,
    occurredAt: row.occurredAt.toISOString(),
    actor: { id: row.actorId, email: row.actorEmail, roles: row.actorRoles },
    action: row.action as AuditEvent['action'],
    target: { type: row.targetType, id: row.targetId },
    result: row.result,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    data: (row.data ?? {}) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function where(filter: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(filter.actorId && { actorId: filter.actorId }),
    ...(filter.actorEmail && { actorEmail: filter.actorEmail }),
    ...(filter.action && { action: filter.action }),
    ...(filter.targetType && { targetType: filter.targetType }),
    ...(filter.targetId && { targetId: filter.targetId }),
    ...(filter.result && { result: filter.result }),
    ...((filter.from || filter.to) && {
      occurredAt: {
        ...(filter.from && { gte: new Date(filter.from) }),
        ...(filter.to && { lt: new Date(filter.to) }),
      },
    }),
  };
}

@Injectable()
export class AuditQueryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  /**
   * Two steps: the page's sequence numbers, then just those rows. A time window alone is read from
   * `(occurred_at, seq)` when it ends well before the newest event (see {@link windowSeqs}).
   */
  async search(query: AuditQuery): Promise<AuditPage> {
    const take = query.limit + 1;
    const found =
      (await this.windowSeqs(query, take)) ??
      (
        await this.prisma.auditEvent.findMany({
          where: { ...where(query), ...(query.cursor && { seq: { lt: BigInt(query.cursor) } }) },
          orderBy: { seq: 'desc' },
          take,
          select: { seq: true },
        })
      ).map((r) => r.seq);
    const seqs = found.slice(0, query.limit);
    const rows = seqs.length
      ? await this.prisma.auditEvent.findMany({ where: { seq: { in: seqs } }, orderBy: { seq: 'desc' } })
      : [];
    return {
      items: rows.map(toAuditEvent),
      nextCursor: found.length > query.limit ? String(seqs.at(-1)) : null,
    };
  }

  /**
   * A time window (with or without a result) that ends more than {@link WALK_LIMIT} events before the
   * newest one: PostgreSQL would walk the trail newest first past all of those (it cannot know that
   * seq grows with time), so the window's own entries in `(occurred_at, seq)` are read instead, as
   * many as it holds (`seq + 0` keeps the planner off the primary key's order). Null otherwise: the
   * other filters have their own index, and a recent window is found at once walking back by seq.
   */
  private async windowSeqs(query: AuditQuery, take: number): Promise<bigint[] | null> {
    const { from, to, result, actorId, actorEmail, action, targetType, targetId } = query;
    if (!to || actorId || actorEmail || action || targetType || targetId) return null;
    const [position] = await this.prisma.$queryRaw<{ newer: bigint | null }[]>`
      SELECT (SELECT max(seq) FROM audit_events)
             - (SELECT seq FROM audit_events WHERE occurred_at >= ${new Date(to)} ORDER BY occurred_at LIMIT 1) AS newer`;
    const newer = position?.newer ?? null;
    if (newer === null || newer < WALK_LIMIT) return null;
    const rows = await this.prisma.$queryRaw<{ seq: bigint }[]>`
      SELECT seq FROM audit_events
       WHERE occurred_at < ${new Date(to)}
         ${from ? Prisma.sql`AND occurred_at >= ${new Date(from)}` : Prisma.empty}
         ${result ? Prisma.sql`AND result = ${result}::"AuditResult"` : Prisma.empty}
         ${query.cursor ? Prisma.sql`AND seq < ${BigInt(query.cursor)}` : Prisma.empty}
       ORDER BY seq + 0 DESC LIMIT ${take}`;
    return rows.map((r) => r.seq);
  }

  /** Every matching event, oldest first, in pages: exports never hold the whole trail in memory. */
  async *stream(filter: AuditFilter, pageSize = 1000): AsyncGenerator<AuditEvent> {
    let after: bigint | undefined;
    for (;;) {
      const rows = await this.prisma.auditEvent.findMany({
        where: { ...where(filter), ...(after !== undefined && { seq: { gt: after } }) },
        orderBy: { seq: 'asc' },
        take: pageSize,
      });
      for (const row of rows) yield toAuditEvent(row);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Every event whose target is one of `targetIds` (a contact and its conversations), oldest first. */
  about(targetIds: readonly string[]): Promise<AuditEventRow[]> {
    return this.prisma.auditEvent.findMany({
      where: { targetId: { in: [...targetIds] } },
      orderBy: { seq: 'asc' },
    });
  }

  /** Re-hashes the chain and holds it against the signed checkpoints of the file sink, if there is one. */
  async verify(): Promise<ChainVerification> {
    const checkpoints = await this.checkpoints.fileCheckpoints();
    return verifyAuditChain(prismaRunner(this.prisma), {
      ...(checkpoints && { checkpoints }),
    });
  }
}
