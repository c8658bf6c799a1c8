import type { AuditAction, Message as MessageDto } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DatabaseError } from 'pg';
import {
  Prisma,
  type AuthorKind,
  type ChannelKind,
  type ConversationStatus,
  type MessageKind,
} from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService, auditInsertFrom } from '../audit/audit.service.js';
import type { DomainEvent, MessageConversation } from '../events/domain-events.service.js';
import { toMessage, withAuthor } from './conversation.mapper.js';

export interface NewMessage {
  authorKind: AuthorKind;
  kind: MessageKind;
  body: string;
  /** The staff user who wrote it; none for customer, bot and system lines. */
  authorUserId?: string;
  /** That user's display name, as the message carries it (the caller knows it: no read of `users`). */
  authorName?: string;
  internal?: boolean;
  clientMessageId?: string;
  /** The provider's id of an inbound channel message. */
  externalId?: string | null;
}

export interface MessageAudit {
  action: AuditAction;
  /** Besides `seq` and `messageId`, which every message's audit event carries. */
  data: Record<string, unknown>;
  /** Also records the conversation's assignee at the time of the write (`assigneeId`). */
  withAssignee?: boolean;
  /** Recorded as done by the system rather than the request's actor (a customer, a bot, a timer). */
  bySystem?: boolean;
}

/** A line of an external bot's transcript, stored as the conversation's first messages. */
export interface TranscriptLine {
  authorKind: 'customer' | 'bot';
  body: string;
  createdAt?: Date;
}

/** A message stored (with the event to publish after commit), or found stored already (`event` null). */
export interface Appended {
  message: MessageDto;
  event: DomainEvent | null;
}

interface AppendedRow {
  id: string;
  last_seq: number;
  status: ConversationStatus;
  queue_id: string | null;
  assignee_id: string | null;
  contact_id: string;
  channel_kind: ChannelKind;
  message_id: string;
  created_at: Date;
}

/** The unique index that makes sending idempotent. */
const CLIENT_MESSAGE_ID_KEY = 'messages_conversation_id_author_kind_client_message_id_key';

/** A statement that failed on the idempotency key: the same message was stored already. */
function isDuplicateSend(err: unknown): boolean {
  return err instanceof DatabaseError && err.code === '23505' && err.constraint === CLIENT_MESSAGE_ID_KEY;
}

/**
 * Writes `messages` (but a case handed off with its transcript, whose lines
 * `ConversationTransitions.openHandedOff` inserts in the statement that opens it). Appending takes the conversation's `last_seq + 1` under the row lock
 * (so `seq` stays gap-free), stores the message and audits it; the caller publishes the returned
 * event after commit. Delivery states of outbound replies are written here too, for the channels
 * that report them.
 */
@Injectable()
export class MessageLog {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Appends in the caller's transaction, under the row lock it holds. `firstResponse`: this is the
   * first reply to the customer, which stops the first-response clock.
   */
  async append(
    tx: Tx,
    conversationId: string,
    message: NewMessage,
    audit: MessageAudit,
    options: { firstResponse?: boolean } = {},
  ): Promise<{ message: MessageDto; event: DomainEvent }> {
    const { authorName, ...columns } = message;
    const c = await tx.conversation.update({
      where: { id: conversationId },
      data: { lastSeq: { increment: 1 }, ...(options.firstResponse && { firstResponseAt: new Date() }) },
      select: {
        lastSeq: true,
        status: true,
        queueId: true,
        assigneeId: true,
        contactId: true,
        channel: { select: { kind: true } },
      },
    });
    const seq = c.lastSeq;
    const row = await tx.message.create({ data: { conversationId, seq, ...columns } });
    await this.audit.record(tx, {
      action: audit.action,
      ...(audit.bySystem && { actor: null }),
      target: { type: 'conversation', id: conversationId },
      data: {
        seq,
        messageId: row.id,
        ...(audit.withAssignee && { assigneeId: c.assigneeId }),
        ...audit.data,
      },
    });
    const stored = toMessage({
      ...row,
      author: authorName === undefined ? null : { displayName: authorName },
    });
    const conversation: MessageConversation = {
      id: conversationId,
      status: c.status,
      queueId: c.queueId,
      assigneeId: c.assigneeId,
      contactId: c.contactId,
      channelKind: c.channel.kind,
    };
    return { message: stored, event: { type: 'message.created', message: stored, conversation } };
  }

  /**
   * Appends in one statement, in its own transaction, when the conversation (`c` in `allowed`)
   * meets the sender's conditions; null when it does not (or does not exist), for the caller to find
   * out why. The `UPDATE … RETURNING` of `last_seq` takes the row lock and the `seq`; the message and
   * its audit row are inserted from it. A message already stored under the same `clientMessageId`
   * (a retry, or the same send racing itself) fails the unique index, which undoes the whole
   * statement (no `seq` is spent), and is returned as stored. `firstResponse`: a reply to the
   * customer, which stops the first-response clock if nothing did yet.
   */
  async appendIfAllowed(
    conversationId: string,
    message: NewMessage,
    audit: MessageAudit,
    allowed: Prisma.Sql,
    options: { firstResponse?: boolean } = {},
  ): Promise<Appended | null> {
    const id = randomUUID();
    const seqAndId = Prisma.sql`jsonb_build_object('seq', m.seq, 'messageId', m.id${
      audit.withAssignee ? Prisma.sql`, 'assigneeId', c.assignee_id` : Prisma.empty
    })`;
    const auditInsert = auditInsertFrom(
      {
        action: audit.action,
        ...(audit.bySystem && { actor: null }),
        target: { type: 'conversation', id: conversationId },
        data: audit.data,
      },
      Prisma.sql`m, c`,
      seqAndId,
    );
    let rows: AppendedRow[];
    try {
      rows = await this.prisma.prepared<AppendedRow>(Prisma.sql`
        WITH c AS (
          UPDATE conversations c
             SET last_seq = c.last_seq + 1,
                 updated_at = now(),
                 first_response_at = CASE WHEN ${options.firstResponse === true}
                                          THEN coalesce(c.first_response_at, now())
                                          ELSE c.first_response_at END
            FROM channels ch
           WHERE c.id = ${conversationId}::uuid AND ch.id = c.channel_id AND (${allowed})
       RETURNING c.id, c.last_seq, c.status, c.queue_id, c.assignee_id, c.contact_id, ch.kind AS channel_kind
        ), m AS (
          INSERT INTO messages
                 (id, conversation_id, seq, author_kind, kind, author_user_id, body, internal,
                  client_message_id, external_id)
          SELECT ${id}::uuid, c.id, c.last_seq, ${message.authorKind}::"AuthorKind",
                 ${message.kind}::"MessageKind", ${message.authorUserId ?? null}::uuid, ${message.body},
                 ${message.internal ?? false}, ${message.clientMessageId ?? null}, ${message.externalId ?? null}
            FROM c
       RETURNING id, seq, created_at
        ), a AS (
          ${auditInsert}
        )
        SELECT c.id, c.last_seq, c.status::text AS status, c.queue_id, c.assignee_id, c.contact_id,
               c.channel_kind::text AS channel_kind, m.id AS message_id, m.created_at
          FROM c, m`);
    } catch (err) {
      if (!message.clientMessageId || !isDuplicateSend(err)) throw err;
      return {
        message: await this.stored(conversationId, message.authorKind, message.clientMessageId),
        event: null,
      };
    }
    const row = rows[0];
    if (!row) return null;
    const stored = toMessage({
      id: row.message_id,
      conversationId,
      seq: row.last_seq,
      authorKind: message.authorKind,
      kind: message.kind,
      authorUserId: message.authorUserId ?? null,
      body: message.body,
      internal: message.internal ?? false,
      clientMessageId: message.clientMessageId ?? null,
      externalId: message.externalId ?? null,
      deliveryStatus: null,
      deliveryUpdatedAt: null,
      createdAt: row.created_at,
      author: message.authorName === undefined ? null : { displayName: message.authorName },
    });
    const conversation: MessageConversation = {
      id: conversationId,
      status: row.status,
      queueId: row.queue_id,
      assigneeId: row.assignee_id,
      contactId: row.contact_id,
      channelKind: row.channel_kind,
    };
    return { message: stored, event: { type: 'message.created', message: stored, conversation } };
  }

  /** The message stored under a client's id (committed: a statement that collided with it waited for that). */
  async stored(conversationId: string, authorKind: AuthorKind, clientMessageId: string): Promise<MessageDto> {
    const row = await this.prisma.message.findUniqueOrThrow({
      where: {
        conversationId_authorKind_clientMessageId: { conversationId, authorKind, clientMessageId },
      },
      include: withAuthor,
    });
    return toMessage(row);
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
