import {
  AgentServerEvent,
  type AgentState,
  CustomerServerEvent,
  type ConversationWithdrawn,
  type CustomerConversationUpdated,
  type MessageDeliveryChanged,
  type QueuePositionChanged,
  type SupervisorOverview,
} from '@baton/contracts';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { CoalescedRuns } from '../../jobs/coalesced-runs.js';
import { LOGGER } from '../../logging/logging.module.js';
import { sessionEndedEvent } from '../auth/session-ended.messages.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { toConversation } from '../conversations/conversation.mapper.js';
import { toCustomerMessage } from '../conversations/customer-conversations.service.js';
import { HandoffBriefs } from '../conversations/handoff-briefs.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { QueuePositionsService } from '../routing/queue-positions.service.js';
import { SupervisorOverviewService } from '../routing/supervisor-overview.service.js';
import {
  CONVERSATION_MOVED,
  conversationAudience,
  type ConversationMoved,
  conversationRooms,
  Room,
} from './realtime.events.js';
import { SocketEmitterService } from './socket-emitter.service.js';

/** How often at most each queue's waiting customers are told their place during a burst of changes. */
const POSITIONS_EVERY_MS = 500;

const audienceSelect = { id: true, status: true, queueId: true, assigneeId: true } as const;

/** The inbox lists a conversation appears in: its queue's members' and its assignee's. */
function listRooms(c: { queueId: string | null; assigneeId: string | null }): string[] {
  const rooms: string[] = [];
  if (c.queueId) rooms.push(Room.queue(c.queueId));
  if (c.assigneeId) rooms.push(Room.user(c.assigneeId));
  return rooms;
}

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
  /** Per queue: one ranking for however many changes came within the window, not one per change. */
  private readonly positionPushes = new CoalescedRuns(
    (queueId) => this.pushPositions(queueId),
    (err, queueId) => this.logger.error({ err, queueId }, 'queue position push failed'),
    POSITIONS_EVERY_MS,
  );

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
    // Sockets of ended sessions close before anything else reacts to the end (their user's
    // conversations going back to the queue, say), so they hear nothing more.
    this.events.subscribe(
      (event) => (event.type === 'sessions.revoked' ? this.sessionsRevoked(event) : undefined),
      { first: true },
    );
    this.events.subscribe((event) => this.fanOut(event));
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.overviewTimer);
    await this.positionPushes.stop();
  }

  private async fanOut(event: DomainEvent): Promise<void> {
    if (!OVERVIEW_UNCHANGED.has(event.type)) this.scheduleOverview();
    switch (event.type) {
      case 'message.created':
        return this.messageCreated(event);
      case 'message.delivery_changed':
        return this.deliveryChanged(event);
      case 'conversation.assigned':
      case 'conversation.queued':
      case 'conversation.released':
      case 'conversation.changed':
        return this.conversationChanged(event);
      case 'agent.status_changed':
        await this.agentStatusChanged(event.userId, event.presence);
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
        const row = await this.prisma.conversation.findUnique({
          where: { id: event.conversationId },
          select: audienceSelect,
        });
        if (!row) return;
        const rooms = conversationAudience(row);
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
      default:
        return;
    }
  }

  private sessionsRevoked(event: Extract<DomainEvent, { type: 'sessions.revoked' }>): void {
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
  }

  /** Built from the event alone: it carries the stored message and who may see it. */
  private messageCreated({ message, conversation }: Extract<DomainEvent, { type: 'message.created' }>): void {
    this.sockets.emit('/agent', conversationAudience(conversation), AgentServerEvent.MessageCreated, {
      message,
    });
    // Internal notes and whispers never reach the customer.
    if (!message.internal) {
      this.sockets.emit(
        '/customer',
        Room.contact(conversation.contactId),
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
      select: audienceSelect,
    });
    if (!conversation) return;
    const payload: MessageDeliveryChanged = {
      conversationId: event.conversationId,
      messageId: event.messageId,
      seq: event.seq,
      deliveryStatus: event.deliveryStatus,
    };
    this.sockets.emit(
      '/agent',
      conversationAudience(conversation),
      AgentServerEvent.MessageDeliveryChanged,
      payload,
    );
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
    // Those who can see it now: whoever opened it through its queue or assignee, its queue's lists,
    // and its assignee. A closed conversation still tells them it closed, then they leave its rooms.
    const seeing = [...conversationRooms(row), ...listRooms(row)];
    const leftQueue = event.type === 'conversation.queued' ? event.fromQueueId : undefined;
    if (leftQueue && row.queueId) {
      const moved: ConversationMoved = {
        conversationId: row.id,
        fromQueueId: leftQueue,
        toQueueId: row.queueId,
      };
      this.sockets.toInstances(CONVERSATION_MOVED, moved);
    }
    if (event.type === 'conversation.assigned') {
      // The agent reads why it came and what was said before, without a second request.
      this.sockets.emit('/agent', Room.user(event.assigneeId), AgentServerEvent.ConversationAssigned, {
        conversation,
        handoff: await this.briefs.of(row),
      });
    }
    this.sockets.emit('/agent', seeing, AgentServerEvent.ConversationUpdated, { conversation });
    if (row.status === 'closed') this.sockets.leave('/agent', conversationRooms(row));
    // Whoever could see it before and cannot now hears only that it is gone: its former assignee, or
    // the members of the queue it left. (A transfer out of someone's hands and queue tells them twice.)
    const before =
      event.type === 'conversation.released'
        ? Room.user(event.fromUserId)
        : leftQueue
          ? Room.queue(leftQueue)
          : null;
    if (before) {
      const withdrawn: ConversationWithdrawn = { conversationId: row.id };
      this.sockets.emit('/agent', before, AgentServerEvent.ConversationWithdrawn, withdrawn, listRooms(row));
    }
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
    if (row.queueId && event.type !== 'conversation.changed') this.positionPushes.mark(row.queueId);
  }

  /** To the supervisors of the agent's queues (and admins), who see that agent on their wall. */
  private async agentStatusChanged(userId: string, presence: string): Promise<void> {
    const memberships = await this.prisma.queueMember.findMany({
      where: { userId },
      select: { queueId: true },
    });
    this.sockets.emit(
      '/agent',
      memberships.map((m) => Room.supervise(m.queueId)),
      AgentServerEvent.AgentStatusChanged,
      { userId, presence },
    );
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
