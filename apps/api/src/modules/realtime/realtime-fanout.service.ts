import {
  AgentServerEvent,
  type AgentState,
  CustomerServerEvent,
  type CustomerConversationUpdated,
  type MessageDeliveryChanged,
  type QueuePositionChanged,
  type SupervisorOverview,
} from '@baton/contracts';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { sessionEndedEvent } from '../auth/session-ended.messages.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { toConversation, toMessage, withAuthor } from '../conversations/conversation.mapper.js';
import { toCustomerMessage } from '../conversations/customer-conversations.service.js';
import { HandoffBriefs } from '../conversations/handoff-briefs.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { QueuePositionsService } from '../routing/queue-positions.service.js';
import { SupervisorOverviewService } from '../routing/supervisor-overview.service.js';
import { Room } from './realtime.events.js';
import { SocketEmitterService } from './socket-emitter.service.js';

/** Events that leave the supervisor numbers as they are. */
const OVERVIEW_UNCHANGED: ReadonlySet<DomainEvent['type']> = new Set([
  'message.created',
  'message.delivery_changed',
  'sessions.revoked',
  'session.rotated',
]);

/**
 * Turns committed domain events into socket events for staff and customers. Runs wherever the change
 * is made (API or worker) and emits through Redis, so every instance delivers to its own sockets.
 */
@Injectable()
export class RealtimeFanoutService implements OnModuleInit, OnModuleDestroy {
  private overviewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sockets: SocketEmitterService,
    private readonly prisma: PrismaService,
    private readonly positions: QueuePositionsService,
    private readonly overview: SupervisorOverviewService,
    private readonly events: DomainEventsService,
    private readonly briefs: HandoffBriefs,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.fanOut(event));
  }

  onModuleDestroy(): void {
    clearTimeout(this.overviewTimer);
  }

  private async fanOut(event: DomainEvent): Promise<void> {
    if (!OVERVIEW_UNCHANGED.has(event.type)) this.scheduleOverview();
    switch (event.type) {
      case 'message.created':
        return this.messageCreated(event.conversationId, event.seq);
      case 'message.delivery_changed':
        return this.deliveryChanged(event);
      case 'conversation.assigned':
      case 'conversation.queued':
      case 'conversation.released':
      case 'conversation.changed':
        return this.conversationChanged(event);
      case 'agent.status_changed':
        this.sockets.emit('/agent', Room.supervisors, AgentServerEvent.AgentStatusChanged, {
          userId: event.userId,
          presence: event.presence,
        });
        // The agent's own tabs follow a change made elsewhere: another tab, idle, or a disconnect.
        return this.pushAgentState(event.userId);
      case 'conversation.offered': {
        const row = await this.prisma.conversation.findUnique({ where: { id: event.conversationId } });
        if (!row) return;
        this.sockets.emit('/agent', Room.user(event.userId), AgentServerEvent.ConversationOffered, {
          conversation: toConversation(row),
          handoff: await this.briefs.of(row),
          expiresAt: event.expiresAt,
        });
        return;
      }
      case 'conversation.sla_breached': {
        const rooms = [Room.conversation(event.conversationId)];
        if (event.queueId) rooms.push(Room.supervise(event.queueId));
        this.sockets.emit('/agent', rooms, AgentServerEvent.SlaBreached, {
          conversationId: event.conversationId,
          kind: event.kind,
        });
        return;
      }
      case 'session.rotated':
        // Authenticated with the old token, which no longer works; the SPA reconnects with its new cookie.
        this.sockets.disconnect('/agent', Room.session(event.sessionId));
        return;
      case 'sessions.revoked': {
        // The tab reads why before it is closed, so it can say so on the sign-in screen.
        const ended = sessionEndedEvent(event.reason);
        if (event.sessionId)
          this.sockets.emitThenDisconnect(
            '/agent',
            Room.session(event.sessionId),
            undefined,
            AgentServerEvent.SessionEnded,
            ended,
          );
        else
          this.sockets.emitThenDisconnect(
            '/agent',
            Room.user(event.userId),
            event.exceptSessionId ? Room.session(event.exceptSessionId) : undefined,
            AgentServerEvent.SessionEnded,
            ended,
          );
        return;
      }
      default:
        return;
    }
  }

  private async messageCreated(conversationId: string, seq: number): Promise<void> {
    const message = await this.prisma.message.findUnique({
      where: { conversationId_seq: { conversationId, seq } },
      include: { ...withAuthor, conversation: { select: { assigneeId: true, contactId: true } } },
    });
    if (!message) return;
    const staff = [Room.conversation(conversationId)];
    if (message.conversation.assigneeId) staff.push(Room.user(message.conversation.assigneeId));
    this.sockets.emit('/agent', staff, AgentServerEvent.MessageCreated, { message: toMessage(message) });
    // Internal notes and whispers never reach the customer.
    if (!message.internal) {
      this.sockets.emit(
        '/customer',
        Room.contact(message.conversation.contactId),
        CustomerServerEvent.MessageCreated,
        {
          message: toCustomerMessage(message),
        },
      );
    }
  }

  /** Staff only, to the same rooms as the message itself: customers never learn delivery states. */
  private async deliveryChanged(
    event: Extract<DomainEvent, { type: 'message.delivery_changed' }>,
  ): Promise<void> {
    const conversation = await this.prisma.conversation.findUnique({
      where: { id: event.conversationId },
      select: { assigneeId: true },
    });
    if (!conversation) return;
    const staff = [Room.conversation(event.conversationId)];
    if (conversation.assigneeId) staff.push(Room.user(conversation.assigneeId));
    const payload: MessageDeliveryChanged = {
      conversationId: event.conversationId,
      messageId: event.messageId,
      seq: event.seq,
      deliveryStatus: event.deliveryStatus,
    };
    this.sockets.emit('/agent', staff, AgentServerEvent.MessageDeliveryChanged, payload);
  }

  private async conversationChanged(
    event: Extract<
      DomainEvent,
      {
        type:
          'conversation.assigned' | 'conversation.queued' | 'conversation.released' | 'conversation.changed';
      }
    >,
  ): Promise<void> {
    const row = await this.prisma.conversation.findUnique({ where: { id: event.conversationId } });
    if (!row) return;
    const conversation = toConversation(row);
    const rooms = [Room.conversation(row.id)];
    if (row.queueId) rooms.push(Room.queue(row.queueId));
    if (row.assigneeId) rooms.push(Room.user(row.assigneeId));
    if (event.type === 'conversation.released') rooms.push(Room.user(event.fromUserId));
    if (event.type === 'conversation.assigned') {
      // The agent reads why it came and what was said before, without a second request.
      this.sockets.emit('/agent', Room.user(event.assigneeId), AgentServerEvent.ConversationAssigned, {
        conversation,
        handoff: await this.briefs.of(row),
      });
    }
    this.sockets.emit('/agent', rooms, AgentServerEvent.ConversationUpdated, { conversation });
    // The widget says who is helping; only the display name reaches the customer, never the user id.
    const assignee = row.assigneeId
      ? await this.prisma.user.findUnique({ where: { id: row.assigneeId }, select: { displayName: true } })
      : null;
    const customerUpdate: CustomerConversationUpdated = {
      conversationId: row.id,
      status: row.status,
      agentName: assignee?.displayName ?? null,
    };
    this.sockets.emit(
      '/customer',
      Room.contact(row.contactId),
      CustomerServerEvent.ConversationUpdated,
      customerUpdate,
    );
    if (row.queueId && event.type !== 'conversation.changed') await this.pushPositions(row.queueId);
  }

  private async pushAgentState(userId: string): Promise<void> {
    const row = await this.prisma.agentState.findUnique({ where: { userId } });
    if (!row) return;
    const state: AgentState = {
      userId,
      presence: row.presence,
      capacity: row.capacity,
      activeCount: row.activeCount,
    };
    this.sockets.emit('/agent', Room.user(userId), AgentServerEvent.AgentStateChanged, state);
  }

  /** Everyone waiting in the queue learns their new place and estimated wait. */
  private async pushPositions(queueId: string): Promise<void> {
    for (const p of await this.positions.forQueue(queueId)) {
      const payload: QueuePositionChanged = {
        conversationId: p.conversationId,
        position: p.position,
        estimatedWaitSeconds: p.estimatedWaitSeconds,
      };
      this.sockets.emit(
        '/customer',
        Room.contact(p.contactId),
        CustomerServerEvent.QueuePositionChanged,
        payload,
      );
    }
  }

  /** Supervisor numbers change with almost every event: recompute at most twice a second. */
  private scheduleOverview(): void {
    this.overviewTimer ??= setTimeout(() => {
      this.overviewTimer = undefined;
      this.pushOverview().catch((err: unknown) =>
        this.logger.error({ err }, 'supervisor overview push failed'),
      );
    }, 500);
  }

  private async pushOverview(): Promise<void> {
    const all = await this.overview.overview();
    const members = await this.prisma.queueMember.findMany({ select: { queueId: true, userId: true } });
    for (const queue of all.queues) {
      const ids = new Set(members.filter((m) => m.queueId === queue.id).map((m) => m.userId));
      const payload: SupervisorOverview = {
        at: all.at,
        queues: [queue],
        agents: all.agents.filter((a) => ids.has(a.userId)),
      };
      this.sockets.emit(
        '/agent',
        Room.supervise(queue.id),
        AgentServerEvent.SupervisorOverviewChanged,
        payload,
      );
    }
  }
}
