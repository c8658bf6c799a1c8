import type { AgentState, Presence } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ConversationTransitions } from '../conversations/conversation-transitions.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { AgentConnectionsService } from './agent-connections.service.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly transitions: ConversationTransitions,
    private readonly connections: AgentConnectionsService,
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

  /**
   * The grace period after an agent's last socket dropped has passed. Unless a tab came back, the
   * agent goes offline and their conversations return to the queue at their original place.
   */
  async goOfflineAfterDisconnect(userId: string): Promise<{ released: number }> {
    if ((await this.connections.liveCount(userId)) > 0) return { released: 0 };
    const events = await this.prisma.$transaction(async (tx) => {
      const produced: DomainEvent[] = [];
      const before = await tx.agentState.findUnique({ where: { userId } });
      if (before && before.presence !== 'offline') {
        await tx.agentState.update({ where: { userId }, data: { presence: 'offline' } });
        await this.audit.record(tx, {
          action: 'agent.status_changed',
          actor: null,
          target: { type: 'user', id: userId },
          data: { from: before.presence, to: 'offline', reason: 'disconnected' },
        });
        produced.push({ type: 'agent.status_changed', userId, presence: 'offline' });
      }
      const assigned = await tx.conversation.findMany({
        where: { assigneeId: userId, status: 'assigned' },
        select: { id: true },
      });
      for (const { id } of assigned) {
        const c = await this.transitions.lock(tx, id);
        if (c.status === 'assigned' && c.assigneeId === userId) {
          produced.push(...(await this.transitions.unassign(tx, c, 'agent_disconnected', null)));
        }
      }
      return produced;
    });
    await this.events.publish(...events);
    return { released: events.filter((e) => e.type === 'conversation.released').length };
  }
}
