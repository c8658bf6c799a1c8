import { ERASED_MESSAGE_BODY } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import type { Conversation, Message } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';

/** States in which a conversation is still being worked: erasing its customer would cut it short. */
const LIVE_STATUSES = ['bot', 'queued', 'assigned'] as const;

export type ConversationWithMessages = Conversation & { messages: Message[] };

export interface ContactRedaction {
  conversationIds: string[];
  messages: number;
  handoffs: number;
}

export interface PurgedBatch {
  conversationIds: string[];
  contactIds: string[];
  /** Messages deleted with them (a conversation's messages are numbered 1..last_seq without gaps). */
  messages: number;
}

/**
 * A customer's conversations as personal data: read whole for an export, redacted when the customer
 * is erased, deleted once closed for longer than the retention period.
 */
@Injectable()
export class ConversationPrivacy {
  constructor(private readonly prisma: PrismaService) {}

  /** Every conversation of the contact with every message (notes and whispers included), oldest first. */
  ofContact(contactId: string): Promise<ConversationWithMessages[]> {
    return this.prisma.conversation.findMany({
      where: { contactId },
      include: { messages: { orderBy: { seq: 'asc' } } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** How many of the contact's conversations are live (with the bot, queued or assigned). */
  liveOf(tx: Tx, contactId: string): Promise<number> {
    return tx.conversation.count({ where: { contactId, status: { in: [...LIVE_STATUSES] } } });
  }

  /**
   * Redacts what the contact's conversations say: every message body but the system's own lines
   * (customer, bot and staff alike, notes too, since replies and notes quote the customer) becomes
   * {@link ERASED_MESSAGE_BODY}, keeping its `seq`, author and time; the handoff's summary and context
   * (the bot's brief) are removed. The handoff reason and intent stay: they are short labels.
   */
  async redactOfContact(tx: Tx, contactId: string): Promise<ContactRedaction> {
    const handedOff = await tx.$queryRaw<{ id: string; redacted: boolean }[]>`
      WITH mine AS (
        SELECT id FROM conversations WHERE contact_id = ${contactId}::uuid ORDER BY id FOR UPDATE
      ), redacted AS (
        UPDATE conversations c SET handoff_summary = NULL, handoff_context = NULL, updated_at = now()
          FROM mine
         WHERE c.id = mine.id AND (c.handoff_summary IS NOT NULL OR c.handoff_context IS NOT NULL)
        RETURNING c.id
      )
      SELECT mine.id::text, (redacted.id IS NOT NULL) AS redacted
        FROM mine LEFT JOIN redacted ON redacted.id = mine.id`;
    const conversationIds = handedOff.map((row) => row.id);
    const messages = conversationIds.length
      ? await tx.$executeRaw`
          UPDATE messages SET body = ${ERASED_MESSAGE_BODY}
           WHERE conversation_id = ANY(${conversationIds}::uuid[])
             AND author_kind <> 'system' AND body <> ${ERASED_MESSAGE_BODY}`
      : 0;
    return { conversationIds, messages, handoffs: handedOff.filter((row) => row.redacted).length };
  }

  /**
   * Deletes up to `limit` conversations closed before `closedBefore`, oldest first, with their
   * messages, timeline and routing decisions (cascade). Rows another transaction holds are left
   * for the next batch.
   */
  async purgeClosed(tx: Tx, closedBefore: Date, limit: number): Promise<PurgedBatch> {
    const gone = await tx.$queryRaw<{ id: string; contact_id: string; last_seq: number }[]>`
      WITH doomed AS (
        SELECT id FROM conversations
         WHERE status = 'closed' AND closed_at < ${closedBefore}
         ORDER BY closed_at, id
         LIMIT ${limit}
           FOR UPDATE SKIP LOCKED
      )
      DELETE FROM conversations c USING doomed WHERE c.id = doomed.id
      RETURNING c.id::text, c.contact_id::text, c.last_seq`;
    return {
      conversationIds: gone.map((row) => row.id),
      contactIds: [...new Set(gone.map((row) => row.contact_id))],
      messages: gone.reduce((sum, row) => sum + row.last_seq, 0),
    };
  }
}
