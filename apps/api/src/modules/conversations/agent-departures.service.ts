import type { SessionEndReason } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AgentConnectionsService } from '../agents/agent-connections.service.js';
import { AgentsService } from '../agents/agents.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { ConversationTransitions } from './conversation-transitions.service.js';

/** An agent who has gone: their presence, the conversations they hold and the offers made to them. */
@Injectable()
export class AgentDepartures {
  constructor(
    private readonly prisma: PrismaService,
    private readonly agents: AgentsService,
    private readonly connections: AgentConnectionsService,
    private readonly transitions: ConversationTransitions,
    private readonly events: DomainEventsService,
  ) {}

  /**
   * The grace period after an agent was last seen (at `since`) with a live socket has passed. Unless
   * a tab came back (or came and went again, starting a later grace period), the agent goes offline
   * and their conversations return to the queue at their original place. Running it twice changes
   * nothing more: an agent already offline holds nothing.
   */
  async leaveAfterDisconnect(userId: string, since?: number): Promise<{ released: number }> {
    if (!(await this.connections.goneSince(userId, since))) return { released: 0 };
    return this.leave(userId, 'disconnected');
  }

  /**
   * The agent is offline (their last session ended on purpose, or the grace period after a lost
   * connection ran out): presence, the conversations they hold and the offers made to them all end
   * in one transaction, each audited. Conversations keep `waiting_since`, so they are served from
   * their original place; an offer goes to someone else.
   */
  async leave(userId: string, reason: 'disconnected' | SessionEndReason): Promise<{ released: number }> {
    const events = await this.prisma.$transaction(async (tx) => {
      const produced: DomainEvent[] = await this.agents.markOffline(tx, userId, reason);
      const held = await tx.conversation.findMany({
        where: {
          OR: [
            { assigneeId: userId, status: 'assigned' },
            { offeredToId: userId, status: 'queued' },
          ],
        },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      for (const { id } of held) {
        const c = await this.transitions.lock(tx, id);
        if (c.status === 'assigned' && c.assigneeId === userId) {
          const why = reason === 'disconnected' ? 'agent_disconnected' : reason;
          produced.push(...(await this.transitions.unassign(tx, c, why, null)));
        } else if (c.status === 'queued' && c.offeredToId === userId) {
          produced.push(...(await this.transitions.withdrawOffer(tx, c, 'withdrawn', null)));
        }
      }
      return produced;
    });
    await this.events.publish(...events);
    return { released: events.filter((e) => e.type === 'conversation.released').length };
  }
}
