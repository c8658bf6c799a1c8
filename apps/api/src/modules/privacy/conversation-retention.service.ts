import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationPrivacy } from '../conversations/conversation-privacy.service.js';

/** Conversations deleted per transaction: short enough to hold few locks, large enough to keep up. */
export const RETENTION_BATCH = 500;

export interface RetentionBatch {
  conversations: number;
  messages: number;
  contacts: number;
}

/**
 * Deletes closed conversations older than the retention period, in batches, each in one transaction
 * with its audit event: the conversations (messages, timeline and routing decisions go with them)
 * and the contacts left without any conversation. Attachments, once stored, must be deleted here too.
 */
@Injectable()
export class ConversationRetentionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly conversations: ConversationPrivacy,
    private readonly contacts: ContactsService,
    private readonly audit: AuditService,
  ) {}

  /** One batch; zero conversations when nothing (unlocked) is left to purge. */
  purgeBatch(closedBefore: Date, limit = RETENTION_BATCH): Promise<RetentionBatch> {
    return this.prisma.$transaction(async (tx) => {
      const batch = await this.conversations.purgeClosed(tx, closedBefore, limit);
      if (batch.conversationIds.length === 0) return { conversations: 0, messages: 0, contacts: 0 };
      const contacts = await this.contacts.deleteWithoutConversations(tx, batch.contactIds);
      const counts = { conversations: batch.conversationIds.length, messages: batch.messages, contacts };
      await this.audit.record(tx, {
        action: 'conversation.purged',
        actor: null,
        target: { type: 'conversation' },
        data: {
          ...counts,
          closedBefore: closedBefore.toISOString(),
          conversationIds: batch.conversationIds,
        },
      });
      return counts;
    });
  }

  /** Every batch until none is left; `progress` hears each one. */
  async purge(
    closedBefore: Date,
    progress: (total: RetentionBatch) => void = () => undefined,
  ): Promise<RetentionBatch & { batches: number }> {
    const total = { conversations: 0, messages: 0, contacts: 0, batches: 0 };
    for (;;) {
      const batch = await this.purgeBatch(closedBefore);
      if (batch.conversations === 0) return total;
      total.conversations += batch.conversations;
      total.messages += batch.messages;
      total.contacts += batch.contacts;
      total.batches += 1;
      progress(total);
      if (batch.conversations < RETENTION_BATCH) return total;
    }
  }
}
