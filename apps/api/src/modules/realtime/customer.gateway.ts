import {
  CustomerClientEvent,
  CustomerServerEvent,
  ZCustomerSendMessage,
  ZSocketFetchMessages,
  ZSocketTyping,
  type CustomerMessage,
  type CustomerSendMessage,
  type SocketFetchMessages,
  type SocketTyping,
  type TypingChanged,
} from '@baton/contracts';
import { Inject, UseFilters } from '@nestjs/common';
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
import { ZodValidationPipe } from '../../common/http/zod-validation.pipe.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import {
  CustomerConversationsService,
  type Visitor,
} from '../conversations/customer-conversations.service.js';
import { Room } from './realtime.events.js';
import { useRequestContextPerEvent } from './socket-context.js';
import { VisitorTokenService } from './visitor-token.service.js';
import { WsExceptionsFilter } from './ws-exceptions.filter.js';

type CustomerSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, { visitor?: Visitor }>;

/**
 * Customers: `/customer`. A signed visitor token (`auth.token` in the handshake) names the contact;
 * a customer sees only their own conversations and never internal notes.
 */
@WebSocketGateway({ namespace: '/customer' })
@UseFilters(new WsExceptionsFilter())
export class CustomerGateway implements OnGatewayInit {
  @WebSocketServer() private readonly server!: Namespace;

  constructor(
    private readonly tokens: VisitorTokenService,
    private readonly conversations: CustomerConversationsService,
    private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket: CustomerSocket, next) => {
      const visitor = this.tokens.verify((socket.handshake.auth as { token?: unknown }).token);
      if (!visitor) return next(new Error('invalid_visitor_token'));
      this.prisma.contact
        .findUnique({ where: { id: visitor.contactId } })
        .then(async (contact) => {
          if (!contact || contact.channelId !== visitor.channelId)
            return next(new Error('invalid_visitor_token'));
          socket.data.visitor = visitor;
          useRequestContextPerEvent(socket);
          await socket.join(Room.contact(visitor.contactId));
          next();
        })
        .catch((err: unknown) => {
          this.logger.error({ err }, 'visitor handshake failed');
          next(new Error('unavailable'));
        });
    });
  }

  @SubscribeMessage(CustomerClientEvent.SendMessage)
  @RequireVisitor()
  async send(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZCustomerSendMessage)) body: CustomerSendMessage,
  ): Promise<{ ok: true; message: CustomerMessage }> {
    return { ok: true, message: await this.conversations.send(socket.data.visitor!, body) };
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

  /** Shown to the staff on the conversation; never stored. */
  @SubscribeMessage(CustomerClientEvent.SetTyping)
  @RequireVisitor()
  async typing(
    @ConnectedSocket() socket: CustomerSocket,
    @MessageBody(new ZodValidationPipe(ZSocketTyping)) body: SocketTyping,
  ): Promise<{ ok: true }> {
    const row = await this.prisma.conversation.findUnique({ where: { id: body.conversationId } });
    if (!row || row.contactId !== socket.data.visitor!.contactId) {
      throw new DomainError(CommonErrorCode.NotFound, 'No such conversation.', 404);
    }
    const payload: TypingChanged = { conversationId: row.id, author: 'customer', typing: body.typing };
    const rooms = [Room.conversation(row.id), ...(row.assigneeId ? [Room.user(row.assigneeId)] : [])];
    this.server.server.of('/agent').to(rooms).emit(CustomerServerEvent.TypingChanged, payload);
    return { ok: true };
  }
}
