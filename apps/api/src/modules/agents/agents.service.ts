import type { AgentState, Presence } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
  ) {}

  async state(userId: string): Promise<AgentState> {
    const row = await this.prisma.agentState.upsert({ where: { userId }, create: { userId }, update: {} });
    return { userId, presence: row.presence, capacity: row.capacity, activeCount: row.activeCount };
  }

  /** Sets presence; becoming available starts routing to this agent at once. */
  async setPresence(userId: string, presence: Presence): Promise<AgentState> {
    const { row, changed } = await this.prisma.$transaction(async (tx) => {
      const before = await tx.agentState.findUnique({ where: { userId } });
      const after = await tx.agentState.upsert({
        where: { userId },
        create: { userId, presence, lastActivityAt: new Date() },
        update: { presence, lastActivityAt: new Date() },
      });
      const from = before?.presence ?? 'offline';
      if (from !== presence) {
        await this.audit.record(tx, {
          action: 'agent.status_changed',
          target: { type: 'user', id: userId },
          data: { from, to: presence },
        });
      }
      return { row: after, changed: from !== presence };
    });
    if (changed) await this.events.publish({ type: 'agent.status_changed', userId, presence });
    return { userId, presence: row.presence, capacity: row.capacity, activeCount: row.activeCount };
  }
}
