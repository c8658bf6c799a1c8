import {
  ZDeliveryStatus,
  type Conversation as ConversationDto,
  type DeliveryStatus,
  type Message as MessageDto,
} from '@baton/contracts';
import type { Conversation, Message } from '../../generated/prisma/client.js';

/** Read a message with this, so its author's name travels with it (never guessed from the assignee). */
export const withAuthor = { author: { select: { displayName: true } } } as const;

export type MessageWithAuthor = Message & { author: { displayName: string } | null };

const DELIVERY_STATUSES: ReadonlySet<string> = new Set(ZDeliveryStatus.options);

/** The column is free text in the database; anything outside the contract's states reads as unknown. */
function deliveryStatusOf(value: string | null): DeliveryStatus | null {
  return value !== null && DELIVERY_STATUSES.has(value) ? (value as DeliveryStatus) : null;
}

export function toConversation(c: Conversation): ConversationDto {
  return {
    id: c.id,
    status: c.status,
    queueId: c.queueId,
    assigneeId: c.assigneeId,
    priority: c.priority,
    handoff: {
      reason: c.handoffReason,
      summary: c.handoffSummary,
      intent: c.handoffIntent,
      at: c.handedOffAt?.toISOString() ?? null,
      context: (c.handoffContext as Record<string, unknown> | null) ?? null,
    },
    resolution: c.resolution,
    waitingSince: c.waitingSince?.toISOString() ?? null,
    firstResponseDueAt: c.firstResponseDueAt?.toISOString() ?? null,
    resolutionDueAt: c.resolutionDueAt?.toISOString() ?? null,
    lastSeq: c.lastSeq,
    createdAt: c.createdAt.toISOString(),
  };
}

export function toMessage(m: MessageWithAuthor): MessageDto {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    authorKind: m.authorKind,
    kind: m.kind,
    authorUserId: m.authorUserId,
    authorName: m.author?.displayName ?? null,
    body: m.body,
    internal: m.internal,
    clientMessageId: m.clientMessageId,
    deliveryStatus: deliveryStatusOf(m.deliveryStatus),
    createdAt: m.createdAt.toISOString(),
  };
}
