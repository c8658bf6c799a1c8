import type { AuditAction } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import type { AuthorKind, Message, MessageKind } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { DomainEvent } from '../events/domain-events.service.js';

export interface NewMessage {
  authorKind: AuthorKind;
  kind: MessageKind;
  body: string;
  /** The staff user who wrote it; none for customer, bot and system lines. */
  authorUserId?: string;
  internal?: boolean;
  clientMessageId?: string;
  /** The provider's id of an inbound channel message. */
  externalId?: string | null;
}

export interface MessageAudit {
  action: AuditAction;
  /** Besides `seq` and `messageId`, which every message's audit event carries. */
  data: Record<string, unknown>;
  /** Recorded as done by the system rather than the request's actor (a customer, a bot, a timer). */
  bySystem?: boolean;
}

/** A line of an external bot's transcript, stored as the conversation's first messages. */
export interface TranscriptLine {
  authorKind: 'customer' | 'bot';
  body: string;
  createdAt?: Date;
}

/**
 * The only writer of `messages`. Appending takes the conversation's `last_seq + 1` under the row lock
 * the caller holds (so `seq` stays gap-free), stores the message and audits it, all in the caller's
 * transaction; the caller publishes the returned event after commit. Delivery states of outbound
 * replies are written here too, for the channels that report them.
 */
@Injectable()
export class MessageLog {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  /** `firstResponse`: this is the first reply to the customer, which stops the first-response clock. */
  async append(
    tx: Tx,
    conversationId: string,
    message: NewMessage,
    audit: MessageAudit,
    options: { firstResponse?: boolean } = {},
  ): Promise<{ message: Message; event: DomainEvent }> {
    const { lastSeq: seq } = await tx.conversation.update({
      where: { id: conversationId },
      data: { lastSeq: { increment: 1 }, ...(options.firstResponse && { firstResponseAt: new Date() }) },
      select: { lastSeq: true },
    });
    const row = await tx.message.create({ data: { conversationId, seq, ...message } });
    await this.audit.record(tx, {
      action: audit.action,
      ...(audit.bySystem && { actor: null }),
      target: { type: 'conversation', id: conversationId },
      data: { seq, messageId: row.id, ...audit.data },
    });
    return {
      message: row,
      event: {
        type: 'message.created',
        conversationId,
        seq,
        internal: row.internal,
        authorKind: row.authorKind,
      },
    };
  }

  /** A bot's transcript, in order, as the next messages of the conversation; audited once. */
  async appendTranscript(
    tx: Tx,
    conversationId: string,
    lines: TranscriptLine[],
    audit: Record<string, unknown>,
  ): Promise<void> {
    if (lines.length > 0) {
      const { lastSeq } = await tx.conversation.update({
        where: { id: conversationId },
        data: { lastSeq: { increment: lines.length } },
        select: { lastSeq: true },
      });
      const first = lastSeq - lines.length + 1;
      await tx.message.createMany({
        data: lines.map((line, i) => ({
          conversationId,
          seq: first + i,
          authorKind: line.authorKind,
          kind: line.authorKind,
          body: line.body,
          ...(line.createdAt && { createdAt: line.createdAt }),
        })),
      });
    }
    await this.audit.record(tx, {
      action: 'message.created',
      target: { type: 'conversation', id: conversationId },
      data: audit,
    });
  }

  /**
   * Marks the conversation's replies by `authors` up to `seq` that have no delivery state yet as
   * pending; returns the ids of those it marked.
   */
  async markPending(conversationId: string, seq: number, authors: readonly AuthorKind[]): Promise<string[]> {
    const marked = await this.prisma.message.updateManyAndReturn({
      where: {
        conversationId,
        seq: { lte: seq },
        deliveryStatus: null,
        internal: false,
        authorKind: { in: [...authors] },
      },
      data: { deliveryStatus: 'pending', deliveryUpdatedAt: new Date() },
      select: { id: true },
    });
    return marked.map((m) => m.id);
  }

  /**
   * Moves a message's delivery state from `from` to `to`, only if it still is `from` (false when it
   * moved meanwhile). `externalId`: the provider's id, learnt when it was sent.
   */
  async moveDelivery(
    tx: Tx,
    messageId: string,
    from: string | null,
    to: string,
    at: Date,
    fields: { externalId?: string | null } = {},
  ): Promise<boolean> {
    const updated = await tx.message.updateMany({
      where: { id: messageId, deliveryStatus: from },
      data: { ...fields, deliveryStatus: to, deliveryUpdatedAt: at },
    });
    return updated.count > 0;
  }
}
