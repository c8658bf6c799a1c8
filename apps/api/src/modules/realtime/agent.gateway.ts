import { Permission, can } from '@baton/authz';
import {
  AgentClientEvent,
  AgentServerEvent,
  ZSocketConversationRef,
  ZSocketFetchMessages,
  ZSocketSendMessage,
  ZSocketSetPresence,
  ZSocketTyping,
  type AgentState,
  type Conversation,
  type Message,
  type SocketConversationRef,
  type SocketFetchMessages,
  type SocketSendMessage,
  type SocketSetPresence,
  type SocketTyping,
  type TypingChanged,
} from '@baton/contracts';
import { Inject, UseFilters, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { requestIdFrom, runWithRequestContext } from '../../common/http/request-context.js';
import { ZodValidationPipe } from '../../common/http/zod-validation.pipe.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AgentsService } from '../agents/agents.service.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionCookies } from '../auth/session-cookies.js';
import { SessionService, type AuthSession } from '../auth/session.service.js';
import { toConversation, toMessage } from '../conversations/conversation.mapper.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { SupervisorOverviewService } from '../routing/supervisor-overview.service.js';
import { Room } from './realtime.events.js';
import { WsExceptionsFilter } from './ws-exceptions.filter.js';
import { WsSession, type AgentSocket } from './ws-session.decorator.js';

/**
 * Staff realtime: `/agent`. Authenticated at the handshake by the session cookie (a session that
 * finished signing in, from this origin only); every event is validated by its contract and passes
 * the same access guard as HTTP, which re-checks the session each time.
 */
@WebSocketGateway({ namespace: '/agent' })
@UseFilters(new WsExceptionsFilter())
export class AgentGateway implements OnGatewayInit, OnModuleInit, OnModuleDestroy {
  @WebSocketServer() private readonly server!: Namespace;

  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    private readonly conversations: ConversationsService,
    private readonly agents: AgentsService,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly overview: SupervisorOverviewService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.fanOut(event));
  }

  /**
   * Runs before socket.io accepts the connection, so no event can arrive before the socket is
   * authenticated; a refusal reaches the client as `connect_error` ("unauthenticated").
   */
  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket as AgentSocket).then(
        (ok) => next(ok ? undefined : new Error('unauthenticated')),
        (err: unknown) => {
          this.logger.error({ err }, 'socket authentication failed');
          next(new Error('unavailable'));
        },
      );
    });
  }

  private async authenticate(socket: AgentSocket): Promise<boolean> {
    const headers = socket.handshake.headers;
    const userAgent = headers['user-agent'];
    const context = () => ({
      requestId: requestIdFrom(undefined),
      ip: socket.handshake.address,
      ...(userAgent ? { userAgent } : {}),
    });
    // Every event runs in its own request context (request id, IP, actor) for logs and the audit trail.
    socket.use((_packet, next) => runWithRequestContext(context(), next));

    const origin = headers.origin;
    const sameOrigin = !origin || new URL(origin).host === headers.host;
    const token = this.cookies.token({ headers });
    const session = sameOrigin && token ? await this.sessions.resolve(token) : null;
    if (!session || session.pending) {
      await runWithRequestContext(context(), () =>
        this.audit.recordNow({
          action: 'access.denied',
          result: 'denied',
          target: { type: 'socket', id: '/agent connect' },
          data: {
            status: 401,
            reason: !sameOrigin ? 'cross_origin' : !session ? 'no_session' : `pending_${session.pending}`,
          },
        }),
      );
      return false;
    }
    socket.data.sessionId = session.id;
    socket.data.userId = session.userId;
    const memberships = await this.prisma.queueMember.findMany({
      where: { userId: session.userId },
      select: { queueId: true },
    });
    const supervised = can(session.permissions, Permission.AgentRead)
      ? ((await this.overview.scopeFor(session.userId, can(session.permissions, Permission.QueueManage))) ??
        (await this.prisma.queue.findMany({ where: { archivedAt: null }, select: { id: true } })).map(
          (q) => q.id,
        ))
      : [];
    await socket.join([
      Room.user(session.userId),
      Room.session(session.id),
      ...memberships.map((m) => Room.queue(m.queueId)),
      ...(can(session.permissions, Permission.ConversationSupervise) ? [Room.supervisors] : []),
      ...supervised.map((id) => Room.supervise(id)),
    ]);
    return true;
  }

  /** Idempotent on `clientMessageId`; the acknowledgement carries the stored message and its `seq`. */
  @SubscribeMessage(AgentClientEvent.SendMessage)
  @RequirePermission(Permission.ConversationReply)
  async send(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketSendMessage)) body: SocketSendMessage,
  ): Promise<{ ok: true; message: Message }> {
    const { conversationId, ...input } = body;
    return { ok: true, message: await this.conversations.send(session, conversationId, input) };
  }

  /** Subscribes this socket to one conversation's events (after the same visibility check as REST). */
  @SubscribeMessage(AgentClientEvent.JoinConversation)
  @RequirePermission(Permission.ConversationRead)
  async join(
    @WsSession() session: AuthSession,
    @ConnectedSocket() socket: AgentSocket,
    @MessageBody(new ZodValidationPipe(ZSocketConversationRef)) body: SocketConversationRef,
  ): Promise<{ ok: true; conversation: Conversation }> {
    const conversation = await this.conversations.get(session, body.conversationId);
    await socket.join(Room.conversation(conversation.id));
    return { ok: true, conversation };
  }

  /** Exactly the messages after `afterSeq`: what a client asks for after a gap or a reconnect. */
  @SubscribeMessage(AgentClientEvent.FetchMessages)
  @RequirePermission(Permission.ConversationRead)
  async fetch(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketFetchMessages)) body: SocketFetchMessages,
  ): Promise<{ ok: true; messages: Message[] }> {
    return {
      ok: true,
      messages: await this.conversations.messages(session, body.conversationId, body.afterSeq, body.limit),
    };
  }

  /** Shown to the customer (and other staff on the conversation); never stored. */
  @SubscribeMessage(AgentClientEvent.SetTyping)
  @RequirePermission(Permission.ConversationReply)
  async typing(
    @WsSession() session: AuthSession,
    @ConnectedSocket() socket: AgentSocket,
    @MessageBody(new ZodValidationPipe(ZSocketTyping)) body: SocketTyping,
  ): Promise<{ ok: true }> {
    await this.conversations.get(session, body.conversationId);
    const row = await this.prisma.conversation.findUniqueOrThrow({ where: { id: body.conversationId } });
    const payload: TypingChanged = { conversationId: row.id, author: 'agent', typing: body.typing };
    this.server.server
      .of('/customer')
      .to(Room.contact(row.contactId))
      .emit(AgentServerEvent.TypingChanged, payload);
    socket.to(Room.conversation(row.id)).emit(AgentServerEvent.TypingChanged, payload);
    return { ok: true };
  }

  @SubscribeMessage(AgentClientEvent.SetPresence)
  @RequirePermission(Permission.PresenceUpdate)
  async presence(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketSetPresence)) body: SocketSetPresence,
  ): Promise<{ ok: true; state: AgentState }> {
    return { ok: true, state: await this.agents.setPresence(session.userId, body.presence) };
  }

  private overviewTimer: NodeJS.Timeout | undefined;

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
      this.server.to(Room.supervise(queue.id)).emit(AgentServerEvent.SupervisorOverviewChanged, {
        at: all.at,
        queues: [queue],
        agents: all.agents.filter((a) => ids.has(a.userId)),
      });
    }
  }

  onModuleDestroy(): void {
    clearTimeout(this.overviewTimer);
  }

  /** Turns committed domain events into socket events; the Redis adapter carries them to every instance. */
  private async fanOut(event: DomainEvent): Promise<void> {
    if (event.type !== 'message.created' && event.type !== 'sessions.revoked') this.scheduleOverview();
    switch (event.type) {
      case 'message.created': {
        const message = await this.prisma.message.findUnique({
          where: { conversationId_seq: { conversationId: event.conversationId, seq: event.seq } },
          include: { conversation: { select: { assigneeId: true } } },
        });
        if (!message) return;
        const rooms = [Room.conversation(event.conversationId)];
        if (message.conversation.assigneeId) rooms.push(Room.user(message.conversation.assigneeId));
        this.server.to(rooms).emit(AgentServerEvent.MessageCreated, { message: toMessage(message) });
        return;
      }
      case 'conversation.assigned':
      case 'conversation.queued':
      case 'conversation.released':
      case 'conversation.changed': {
        const row = await this.prisma.conversation.findUnique({ where: { id: event.conversationId } });
        if (!row) return;
        const conversation = toConversation(row);
        const rooms = [Room.conversation(row.id)];
        if (row.queueId) rooms.push(Room.queue(row.queueId));
        if (row.assigneeId) rooms.push(Room.user(row.assigneeId));
        if (event.type === 'conversation.released') rooms.push(Room.user(event.fromUserId));
        if (event.type === 'conversation.assigned') {
          this.server
            .to(Room.user(event.assigneeId))
            .emit(AgentServerEvent.ConversationAssigned, { conversation });
        }
        this.server.to(rooms).emit(AgentServerEvent.ConversationUpdated, { conversation });
        return;
      }
      case 'agent.status_changed':
        this.server
          .to(Room.supervisors)
          .emit(AgentServerEvent.AgentStatusChanged, { userId: event.userId, presence: event.presence });
        return;
      case 'sessions.revoked': {
        // Every instance: the adapter finds the sockets wherever they are connected.
        const sockets = await this.server.in(Room.user(event.userId)).fetchSockets();
        for (const socket of sockets) {
          const { sessionId } = socket.data;
          const ended = event.sessionId ? sessionId === event.sessionId : sessionId !== event.exceptSessionId;
          if (ended) socket.disconnect(true);
        }
        this.logger.debug(
          { userId: event.userId, sockets: sockets.length },
          'sockets of revoked sessions closed',
        );
        return;
      }
      default:
        return;
    }
  }
}
