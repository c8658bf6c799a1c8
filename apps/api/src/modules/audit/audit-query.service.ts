import type { AuditEvent, AuditFilter, AuditPage, AuditQuery, ChainVerification } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AuditEvent as AuditEventRow } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { AuditCheckpointService } from './audit-checkpoint.service.js';
import { verifyAuditChain } from '@baton/security';

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

  async search(query: AuditQuery): Promise<AuditPage> {
    const rows = await this.prisma.auditEvent.findMany({
      where: { ...where(query), ...(query.cursor && { seq: { lt: BigInt(query.cursor) } }) },
      orderBy: { seq: 'desc' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toAuditEvent),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.seq.toString() : null,
    };
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

  /** Re-hashes the chain and holds it against the signed checkpoints of the file sink, if there is one. */
  async verify(): Promise<ChainVerification> {
    const checkpoints = await this.checkpoints.fileCheckpoints();
    return verifyAuditChain(prismaRunner(this.prisma), {
      ...(checkpoints && { checkpoints }),
    });
  }
}
