import type { CustomerMessage, CustomerSendMessage, Message as MessageDto } from '@baton/contracts';
import { ConversationsErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import { toMessage, withAuthor } from './conversation.mapper.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { MessageLog, type MessageAudit, type NewMessage } from './message-log.service.js';

/** A customer: a contact of a channel, identified by a signed visitor token (not an account). */
export interface Visitor {
  contactId: string;
  channelId: string;
}

/**
 * What the customer sees of a message. Staff messages carry their author's display name (the name
 * the widget already shows for the assigned agent), so a supervisor's barge-in is under their name.
 * Never called with a note or a whisper.
 */
export function toCustomerMessage(m: MessageDto): CustomerMessage {
  if (m.kind === 'note' || m.kind === 'whisper') throw new Error('staff-only message offered to a customer');
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    authorKind: m.authorKind,
    kind: m.kind,
    authorName: m.authorKind === 'agent' ? m.authorName : null,
    body: m.body,
    clientMessageId: m.authorKind === 'customer' ? m.clientMessageId : null,
    createdAt: m.createdAt,
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such conversation.', 404);

/** The customer's side of a conversation: only their own, and never internal notes. */
@Injectable()
export class CustomerConversationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly messageLog: MessageLog,
    private readonly events: DomainEventsService,
  ) {}

  /**
   * The visitor's conversation: the one named, else their open one, else a new one (`created`);
   * `beforeCreate` may refuse the new one (a rate limit) by throwing.
   */
  private async own(
    tx: Tx,
    visitor: Visitor,
    conversationId: string | undefined,
    beforeCreate?: () => Promise<void>,
  ) {
    if (conversationId) {
      const c = await tx.conversation.findUnique({ where: { id: conversationId } });
      if (!c || c.contactId !== visitor.contactId) throw notFound();
      return { conversation: c, created: false };
    }
    // Two first messages of one contact at once must not start two conversations.
    const lockKey = `contact:${visitor.contactId}`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${lockKey}::text))`;
    const open = await tx.conversation.findFirst({
      where: { contactId: visitor.contactId, status: { not: 'closed' } },
      orderBy: { createdAt: 'desc' },
    });
    if (open) return { conversation: open, created: false };
    await beforeCreate?.();
    const conversation = await this.transitions.start(tx, visitor.channelId, visitor.contactId);
    return { conversation, created: true };
  }

  /**
   * Stores a customer's message, idempotent on `clientMessageId`. A resolved conversation goes back
   * to its queue when the customer writes again. `externalId` is the provider's id of an inbound
   * channel message (WhatsApp); `beforeCreate` runs before a new conversation is started. Writing to
   * their own open conversation, the usual case, is one statement; anything else (the first message,
   * a resolved or closed conversation, someone else's) goes through {@link sendChecked}.
   */
  async send(
    visitor: Visitor,
    input: CustomerSendMessage,
    options: { externalId?: string; beforeCreate?: () => Promise<void> } = {},
  ): Promise<CustomerMessage> {
    const message: NewMessage = {
      authorKind: 'customer',
      kind: 'customer',
      body: input.body,
      clientMessageId: input.clientMessageId,
      externalId: options.externalId ?? null,
    };
    const audit = (startedConversation: boolean): MessageAudit => ({
      action: 'message.created',
      bySystem: true,
      data: { author: 'customer', contactId: visitor.contactId, startedConversation },
    });
    const fast = input.conversationId
      ? await this.messageLog.appendIfAllowed(
          input.conversationId,
          message,
          audit(false),
          Prisma.sql`c.contact_id = ${visitor.contactId}::uuid AND c.status IN ('bot', 'queued', 'assigned')`,
        )
      : null;
    const appended = fast
      ? { message: fast.message, events: fast.event ? [fast.event] : [] }
      : await this.sendChecked(visitor, input, message, audit, options.beforeCreate);
    if (appended.events.length > 0) await this.events.publish(...appended.events);
    return toCustomerMessage(appended.message);
  }

  private async sendChecked(
    visitor: Visitor,
    input: CustomerSendMessage,
    message: NewMessage,
    audit: (startedConversation: boolean) => MessageAudit,
    beforeCreate: (() => Promise<void>) | undefined,
  ): Promise<{ message: MessageDto; events: DomainEvent[] }> {
    return this.prisma.$transaction(async (tx) => {
      const found = await this.own(tx, visitor, input.conversationId, beforeCreate);
      const c = await this.transitions.lock(tx, found.conversation.id);
      if (c.status === 'closed') {
        throw new DomainError(
          ConversationsErrorCode.Closed,
          'This conversation is closed; start a new one.',
          409,
        );
      }
      const existing = await tx.message.findUnique({
        where: {
          conversationId_authorKind_clientMessageId: {
            conversationId: c.id,
            authorKind: 'customer',
            clientMessageId: input.clientMessageId,
          },
        },
        include: withAuthor,
      });
      if (existing) return { message: toMessage(existing), events: [] };
      const produced: DomainEvent[] = [];
      if (c.status === 'resolved')
        produced.push(...(await this.transitions.reopen(tx, c, 'customer wrote again', null)));
      const { message: stored, event } = await this.messageLog.append(
        tx,
        c.id,
        message,
        audit(found.created),
      );
      return { message: stored, events: [...produced, event] };
    });
  }

  /** The customer-visible messages after `afterSeq` (internal notes skipped; `seq` still tells the order). */
  async messages(
    visitor: Visitor,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<CustomerMessage[]> {
    const c = await this.prisma.conversation.findUnique({ where: { id: conversationId } });
    if (!c || c.contactId !== visitor.contactId) throw notFound();
    const rows = await this.prisma.message.findMany({
      where: { conversationId, seq: { gt: afterSeq }, internal: false },
      orderBy: { seq: 'asc' },
      take: limit,
      include: withAuthor,
    });
    return rows.map((row) => toCustomerMessage(toMessage(row)));
  }
}
