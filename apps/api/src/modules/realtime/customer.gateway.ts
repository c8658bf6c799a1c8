import {
  CustomerClientEvent,
  CustomerServerEvent,
  HandshakeRefusalCode,
  ZCustomerCurrentConversationRequest,
  ZCustomerSendMessage,
  ZSocketFetchMessages,
  ZSocketTyping,
  type CustomerConversationState,
  type CustomerMessage,
  type CustomerSendMessage,
  type SocketFetchMessages,
  type SocketTyping,
  type TypingChanged,
} from '@baton/contracts';
import { Inject, UseFilters } from '@nestjs/common';
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
import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import { RequireVisitor } from '../../common/decorators/access.decorators.js';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { runWithRequestContext } from '../../common/http/request-context.js';
import { ZodValidationPipe } from '../../common/http/zod-validation.pipe.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import {
  CustomerConversationsService,
  type Visitor,
} from '../conversations/customer-conversations.service.js';
import { originAllowed, readWebchatPolicy } from '../widget/webchat-origin.policy.js';
import { WidgetLimitsService } from '../widget/widget-limits.service.js';
import { WidgetService } from '../widget/widget.service.js';
import { conversationAudience, Room } from './realtime.events.js';
import { socketClientIp, socketRequestContext, useRequestContextPerEvent } from './socket-context.js';
import { VisitorTokenService } from '../widget/visitor-token.service.js';
import { WsExceptionsFilter } from './ws-exceptions.filter.js';

interface CustomerSocketData {
  visitor?: Visitor;
  /** The client's address (through trusted proxies), for per-IP limits. */
  ip?: string;
}

type CustomerSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, CustomerSocketData>;

/** Why a handshake was refused; the client sees it as the `connect_error` message. */
type Refusal =
  | typeof HandshakeRefusalCode.InvalidVisitorToken
  | typeof HandshakeRefusalCode.ChannelUnavailable
  | typeof HandshakeRefusalCode.OriginNotAllowed;

/**
 * Customers: `/customer`. A signed visitor token (`auth.token` in the handshake) names the contact;
 * a customer sees only their own conversations and never internal notes. The handshake also checks
 * that the channel is enabled and, like the session endpoint, that the page's origin may embed it.
 */
@WebSocketGateway({ namespace: '/customer' })
@UseFilters(WsExceptionsFilter)
export class CustomerGateway implements OnGatewayInit {
  @WebSocketServer() private readonly server!: Namespace;

  constructor(
    private readonly tokens: VisitorTokenService,
    private readonly conversations: CustomerConversationsService,
    private readonly widget: WidgetService,
    private readonly limits: WidgetLimitsService,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket: CustomerSocket, next) => {
      this.authenticate(socket).then(
        (refusal) => next(refusal ? new Error(refusal) : undefined),
        (err: unknown) => {
          this.logger.error({ err }, 'visitor handshake failed');
          next(new Error(HandshakeRefusalCode.Unavailable));
        },
      );
    });
  }

  private async authenticate(socket: CustomerSocket): Promise<Refusal | null> {
    const ip = socketClientIp(socket, this.adapterHost);
    const visitor = this.tokens.verify((socket.handshake.auth as { token?: unknown }).token);
    const channel = visitor ? await this.widget.visitorChannel(visitor) : null;
    const policy = channel ? readWebchatPolicy(channel.config) : null;
    const refusal: Refusal | null =
      !visitor || !channel
        ? HandshakeRefusalCode.InvalidVisitorToken
        : !channel.enabled || !policy
          ? HandshakeRefusalCode.ChannelUnavailable
          : !originAllowed(policy, socket.handshake.headers.origin)
            ? HandshakeRefusalCode.OriginNotAllowed
            : null;
    // (`!visitor` always comes with a refusal; testing it too narrows the type below.)
    if (refusal || !visitor) {
      await runWithRequestContext(socketRequestContext(socket, ip), () =>
        this.audit.recordNow({
          action: 'access.denied',
          result: 'denied',
          target: { type: 'socket', id: '/customer connect' },
          data: {
            status: refusal === HandshakeRefusalCode.InvalidVisitorToken ? 401 : 403,
            reason: refusal,
            ...(channel && { channelId: channel.id }),
            ...(refusal === HandshakeRefusalCode.OriginNotAllowed && {
              origin: socket.handshake.headers.origin ?? null,
            }),
          },
        }),
      );
      return refusal ?? HandshakeRefusalCode.InvalidVisitorToken;
    }
    socket.data.visitor = visitor;
    socket.data.ip = ip;
    useRequestContextPerEvent(socket, ip);
    await socket.join(Room.contact(visitor.contactId));
    return null;
  }

  /**
   * Idempotent on `clientMessageId`; the acknowledgement carries the stored message and its `seq`.
   * Limited per visitor and per IP, and so is starting a new conversation.
   */
  @SubscribeMessage(CustomerClientEvent.SendMessage)
  @RequireVisitor()
  async send(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZCustomerSendMessage)) body: CustomerSendMessage,
  ): Promise<{ ok: true; message: CustomerMessage }> {
    const visitor = socket.data.visitor!;
    const ip = socket.data.ip!;
    await this.limits.message(visitor, ip);
    const message = await this.conversations.send(visitor, body, {
      beforeCreate: () => this.limits.newConversation(visitor, ip),
    });
    return { ok: true, message };
  }

  @SubscribeMessage(CustomerClientEvent.FetchMessages)
  @RequireVisitor()
  async fetch(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZSocketFetchMessages)) body: SocketFetchMessages,
  ): Promise<{ ok: true; messages: CustomerMessage[] }> {
    return {
      ok: true,
      messages: await this.conversations.messages(
        socket.data.visitor!,
        body.conversationId,
        body.afterSeq,
        body.limit,
      ),
    };
  }

  /** Where the visitor stands (status, agent, last `seq`, place in the queue): asked after every (re)connect. */
  @SubscribeMessage(CustomerClientEvent.CurrentConversation)
  @RequireVisitor()
  async current(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZCustomerCurrentConversationRequest)) _body: unknown,
  ): Promise<{ ok: true; conversation: CustomerConversationState | null }> {
    return { ok: true, conversation: await this.widget.current(socket.data.visitor!) };
  }

  /** Shown to the staff on the conversation; never stored. */
  @SubscribeMessage(CustomerClientEvent.SetTyping)
  @RequireVisitor()
  async typing(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZSocketTyping)) body: SocketTyping,
  ): Promise<{ ok: true }> {
    const row = await this.prisma.conversation.findFirst({
      where: { id: body.conversationId, contactId: socket.data.visitor!.contactId },
      select: { id: true, status: true, queueId: true, assigneeId: true },
    });
    if (!row) {
      throw new DomainError(CommonErrorCode.NotFound, 'No such conversation.', 404);
    }
    const payload: TypingChanged = { conversationId: row.id, author: 'customer', typing: body.typing };
    const staff = conversationAudience(row);
    if (staff.length > 0)
      this.server.server.of('/agent').to(staff).emit(CustomerServerEvent.TypingChanged, payload);
    return { ok: true };
  }
}
