import { Permission, can } from '@baton/authz';
import {
  AgentClientEvent,
  AgentServerEvent,
  HandshakeRefusalCode,
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
import { Inject, UseFilters, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
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
import { runWithRequestContext } from '../../common/http/request-context.js';
import { ZodValidationPipe } from '../../common/http/zod-validation.pipe.js';
import { LOGGER } from '../../logging/logging.module.js';
import { AgentConnectionsService } from '../agents/agent-connections.service.js';
import { AgentsService } from '../agents/agents.service.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionCookies } from '../auth/session-cookies.js';
import { SessionService, type AuthSession } from '../auth/session.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { AgentRoomsService } from './agent-rooms.service.js';
import { conversationAudience, Room } from './realtime.events.js';
import { socketClientIp, socketRequestContext, useRequestContextPerEvent } from './socket-context.js';
import { WsExceptionsFilter } from './ws-exceptions.filter.js';
import { WsSession, type AgentSocket } from '../../common/decorators/ws-session.decorator.js';

/**
 * Staff realtime: `/agent`. Authenticated at the handshake by the session cookie (a session that
 * finished signing in, from this origin only); every event is validated by its contract and passes
 * the same access guard as HTTP, which re-checks the session held since the handshake each time.
 */
@WebSocketGateway({ namespace: '/agent' })
@UseFilters(WsExceptionsFilter)
export class AgentGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() private readonly server!: Namespace;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    private readonly conversations: ConversationsService,
    private readonly agents: AgentsService,
    private readonly audit: AuditService,
    private readonly rooms: AgentRoomsService,
    private readonly connections: AgentConnectionsService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Runs before socket.io accepts the connection, so no event can arrive before the socket is
   * authenticated; a refusal reaches the client as `connect_error` ("unauthenticated").
   */
  afterInit(namespace: Namespace): void {
    this.rooms.attach(namespace);
    // Heartbeat: this instance's agent sockets stay counted; those of a dead instance age out.
    this.heartbeat = setInterval(() => {
      const entries = [...namespace.sockets.values()]
        .map((socket) => ({ userId: (socket as AgentSocket).data.userId, socketId: socket.id }))
        .filter((entry) => entry.userId);
      this.connections
        .refresh(entries)
        .catch((err: unknown) => this.logger.warn({ err }, 'agent socket heartbeat failed'));
    }, this.connections.heartbeatMs);
    namespace.use((socket, next) => {
      this.authenticate(socket as AgentSocket).then(
        (ok) => next(ok ? undefined : new Error(HandshakeRefusalCode.Unauthenticated)),
        (err: unknown) => {
          this.logger.error({ err }, 'socket authentication failed');
          next(new Error(HandshakeRefusalCode.Unavailable));
        },
      );
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  private async authenticate(socket: AgentSocket): Promise<boolean> {
    const headers = socket.handshake.headers;
    const ip = socketClientIp(socket, this.adapterHost);
    useRequestContextPerEvent(socket, ip);

    const origin = headers.origin;
    const sameOrigin = !origin || new URL(origin).host === headers.host;
    const token = this.cookies.token({ headers });
    const held = sameOrigin && token ? await this.sessions.hold(SessionService.idOf(token)) : null;
    const session = held?.session;
    if (!session || session.pending) {
      await runWithRequestContext(socketRequestContext(socket, ip), () =>
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
    socket.data.held = held;
    const rooms = await this.rooms.roomsFor(session);
    if (can(session.permissions, Permission.PresenceUpdate)) {
      await this.connections.connected(session.userId, socket.id);
      // Any event from the inbox is activity; recorded at most once a minute per socket.
      let touchedAt = 0;
      socket.use((_packet, next) => {
        if (Date.now() - touchedAt > 60_000) {
          touchedAt = Date.now();
          this.agents
            .touch(session.userId)
            .catch((err: unknown) => this.logger.warn({ err }, 'activity not recorded'));
        }
        next();
      });
      // The last tab of an agent closed: after the grace period the worker decides (a tab may come back).
      socket.on('disconnect', () => {
        this.connections
          .disconnected(session.userId, socket.id)
          .catch((err: unknown) => this.logger.error({ err }, 'could not record an agent disconnect'));
      });
    }
    await socket.join([...rooms]);
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

  /**
   * Subscribes this socket to one conversation's events (after the same visibility check as REST),
   * through each way its user sees it: as its assignee, or as a member of its queue (this socket is
   * in the queue's room exactly while that holds). When that way ends, the events stop.
   */
  @SubscribeMessage(AgentClientEvent.JoinConversation)
  @RequirePermission(Permission.ConversationRead)
  async join(
    @WsSession() session: AuthSession,
    @ConnectedSocket() socket: AgentSocket,
    @MessageBody(new ZodValidationPipe(ZSocketConversationRef)) body: SocketConversationRef,
  ): Promise<{ ok: true; conversation: Conversation }> {
    const conversation = await this.conversations.get(session, body.conversationId);
    const rooms: string[] = [];
    if (conversation.assigneeId === session.userId)
      rooms.push(Room.conversationViaAssignee(conversation.id, session.userId));
    if (conversation.queueId && socket.rooms.has(Room.queue(conversation.queueId)))
      rooms.push(Room.conversationViaQueue(conversation.id, conversation.queueId));
    await socket.join(rooms);
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
    const row = await this.conversations.audience(session, body.conversationId);
    const payload: TypingChanged = { conversationId: row.id, author: 'agent', typing: body.typing };
    this.server.server
      .of('/customer')
      .to(Room.contact(row.contactId))
      .emit(AgentServerEvent.TypingChanged, payload);
    const staff = conversationAudience(row);
    if (staff.length > 0) socket.to(staff).emit(AgentServerEvent.TypingChanged, payload);
    return { ok: true };
  }

  @SubscribeMessage(AgentClientEvent.AcceptOffer)
  @RequirePermission(Permission.ConversationClaim)
  async acceptOffer(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketConversationRef)) body: SocketConversationRef,
  ): Promise<{ ok: true; conversation: Conversation }> {
    return { ok: true, conversation: await this.conversations.acceptOffer(session, body.conversationId) };
  }

  @SubscribeMessage(AgentClientEvent.DeclineOffer)
  @RequirePermission(Permission.ConversationClaim)
  async declineOffer(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketConversationRef)) body: SocketConversationRef,
  ): Promise<{ ok: true; conversation: Conversation }> {
    return { ok: true, conversation: await this.conversations.declineOffer(session, body.conversationId) };
  }

  @SubscribeMessage(AgentClientEvent.SetPresence)
  @RequirePermission(Permission.PresenceUpdate)
  async presence(
    @WsSession() session: AuthSession,
    @MessageBody(new ZodValidationPipe(ZSocketSetPresence)) body: SocketSetPresence,
  ): Promise<{ ok: true; state: AgentState }> {
    return { ok: true, state: await this.agents.setPresence(session.userId, body.presence) };
  }
}
