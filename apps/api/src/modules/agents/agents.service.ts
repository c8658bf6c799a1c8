import type { AgentState, Presence, SessionEndReason } from '@baton/contracts';
import { AgentsErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '../../config/config.service.js';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly config: ConfigService,
  ) {}

  /** The agent's state; one who never set a presence is offline with the default capacity. */
  async state(userId: string): Promise<AgentState> {
    const row = await this.prisma.agentState.findUnique({ where: { userId } });
    return {
      userId,
      presence: row?.presence ?? 'offline',
      capacity: row?.capacity ?? this.config.env.AGENT_DEFAULT_CAPACITY,
      activeCount: row?.activeCount ?? 0,
    };
  }

  /** Sets presence; becoming available starts routing to this agent at once. */
  async setPresence(userId: string, presence: Presence): Promise<AgentState> {
    const { row, changed } = await this.prisma.$transaction(async (tx) => {
      const before = await tx.agentState.findUnique({ where: { userId } });
      const after = await tx.agentState.upsert({
        where: { userId },
        create: {
          userId,
          presence,
          lastActivityAt: new Date(),
          capacity: this.config.env.AGENT_DEFAULT_CAPACITY,
        },
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
   * Sets the agent offline inside the caller's transaction (audited); the events to publish after
   * commit. Returning what they held to the queue is the caller's part (`AgentDepartures`).
   */
  async markOffline(
    tx: Tx,
    userId: string,
    reason: 'disconnected' | SessionEndReason,
  ): Promise<DomainEvent[]> {
    const before = await tx.agentState.findUnique({ where: { userId } });
    if (!before || before.presence === 'offline') return [];
    await tx.agentState.update({ where: { userId }, data: { presence: 'offline' } });
    await this.audit.record(tx, {
      action: 'agent.status_changed',
      actor: null,
      target: { type: 'user', id: userId },
      data: { from: before.presence, to: 'offline', reason },
    });
    return [{ type: 'agent.status_changed', userId, presence: 'offline' }];
  }

  /** Agents available or away, or holding conversations: those who must have a live inbox. */
  async present(): Promise<string[]> {
    const rows = await this.prisma.agentState.findMany({
      where: { OR: [{ presence: { not: 'offline' } }, { activeCount: { gt: 0 } }] },
      select: { userId: true },
    });
    return rows.map((row) => row.userId);
  }

  /** Sets one agent's capacity; lowering it below what they hold now is refused (409). */
  async setCapacity(userId: string, capacity: number): Promise<AgentState> {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw new DomainError(CommonErrorCode.NotFound, 'No such user.', 404);
    const row = await this.prisma.$transaction(async (tx) => {
      const before = await tx.agentState.findUnique({ where: { userId } });
      if (before && before.activeCount > capacity) {
        throw new DomainError(
          AgentsErrorCode.CapacityBelowLoad,
          `This agent holds ${before.activeCount} conversation(s); set at least that, or move some first.`,
          409,
        );
      }
      const after = await tx.agentState.upsert({
        where: { userId },
        create: { userId, capacity },
        update: { capacity },
      });
      await this.audit.record(tx, {
        action: 'agent.capacity_changed',
        target: { type: 'user', id: userId },
        data: { from: before?.capacity ?? null, to: capacity },
      });
      return after;
    });
    // More room may let waiting conversations through; answer with the state after that.
    if (row.presence === 'available')
      await this.events.publish({ type: 'agent.status_changed', userId, presence: 'available' });
    return this.state(userId);
  }

  /** Records activity in the inbox (throttled by the caller); it keeps an agent from going away by itself. */
  async touch(userId: string): Promise<void> {
    await this.prisma.agentState.updateMany({ where: { userId }, data: { lastActivityAt: new Date() } });
  }

  /** Available agents idle longer than AGENT_AUTO_AWAY_MINUTES go away (audited); returns who. */
  async awayWhenIdle(now = new Date()): Promise<string[]> {
    const minutes = this.config.env.AGENT_AUTO_AWAY_MINUTES;
    if (minutes === 0) return [];
    const cutoff = new Date(now.getTime() - minutes * 60_000);
    const idle = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ user_id: string }[]>`
        UPDATE agent_states SET presence = 'away', updated_at = now()
         WHERE presence = 'available' AND (last_activity_at IS NULL OR last_activity_at < ${cutoff}::timestamptz)
         RETURNING user_id`;
      for (const { user_id } of rows) {
        await this.audit.record(tx, {
          action: 'agent.status_changed',
          actor: null,
          target: { type: 'user', id: user_id },
          data: { from: 'available', to: 'away', reason: 'idle', idleMinutes: minutes },
        });
      }
      return rows.map((r) => r.user_id);
    });
    await this.events.publish(
      ...idle.map((userId) => ({ type: 'agent.status_changed' as const, userId, presence: 'away' })),
    );
    return idle;
  }
}
