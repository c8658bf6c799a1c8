import type {
  ChannelKind,
  ConversationStatus,
  DeliveryStatus,
  Message,
  SessionEndReason,
} from '@baton/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';

/** The conversation a new message belongs to, as of its write: who may see it, and through what channel. */
export interface MessageConversation {
  id: string;
  status: ConversationStatus;
  queueId: string | null;
  assigneeId: string | null;
  contactId: string;
  channelKind: ChannelKind;
}

/** Facts published after a transaction commits; routing, realtime fan-out and jobs react to them. */
export type DomainEvent =
  /** `fromQueueId`: the queue it was transferred out of, whose members no longer see it. */
  | { type: 'conversation.queued'; conversationId: string; queueId: string; fromQueueId?: string }
  | { type: 'conversation.assigned'; conversationId: string; queueId: string | null; assigneeId: string }
  | { type: 'conversation.released'; conversationId: string; queueId: string | null; fromUserId: string }
  | { type: 'conversation.changed'; conversationId: string }
  /** Entered a queue from the bot; SLA clocks start (ISO times, null when the queue has no target). */
  | {
      type: 'conversation.handed_off';
      conversationId: string;
      firstResponseDueAt: string | null;
      resolutionDueAt: string | null;
    }
  | { type: 'conversation.resolved'; conversationId: string; resolvedAt: string; resolution: string }
  | { type: 'conversation.offered'; conversationId: string; userId: string; expiresAt: string }
  | {
      type: 'conversation.sla_breached';
      conversationId: string;
      queueId: string | null;
      kind: 'first_response' | 'resolution';
    }
  /**
   * A message was stored: the row as stored (with its author's name), and the conversation's fields
   * that decide who hears of it, as of that write, so no consumer reads either again.
   */
  | { type: 'message.created'; message: Message; conversation: MessageConversation }
  /** A reply on a provider channel was sent, delivered, read or failed: staff see it, customers never. */
  | {
      type: 'message.delivery_changed';
      conversationId: string;
      messageId: string;
      seq: number;
      deliveryStatus: DeliveryStatus;
    }
  | { type: 'agent.status_changed'; userId: string; presence: string }
  | { type: 'queue.changed'; queueId: string }
  /**
   * Queue memberships, supervisor flags or role permissions changed for these users (null: anyone
   * may be affected): their open sockets must join and leave rooms to match, on every instance.
   */
  | { type: 'access.changed'; userIds: string[] | null }
  /** Sessions of a user ended (one, or all but `exceptSessionId`): their sockets must close everywhere. */
  /** One session (`sessionId`) or every session of the user but `exceptSessionId` ended, and why. */
  /** A session got a new token (`sessionId` is the old id): sockets opened with the old one must reconnect. */
  | { type: 'session.rotated'; userId: string; sessionId: string }
  | {
      type: 'sessions.revoked';
      userId: string;
      reason: SessionEndReason;
      sessionId?: string;
      exceptSessionId?: string;
    };

type Handler = (event: DomainEvent) => Promise<void> | void;

/**
 * In-process publish/subscribe. Publishing never fails the caller: the change is already committed,
 * and every consumer also has a safety net (the routing sweeper, clients back-filling by `seq`).
 */
@Injectable()
export class DomainEventsService {
  private readonly handlers: Handler[] = [];

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** `first`: runs before every handler subscribed without it (for reactions others must not precede). */
  subscribe(handler: Handler, options: { first?: boolean } = {}): void {
    if (options.first) this.handlers.unshift(handler);
    else this.handlers.push(handler);
  }

  async publish(...events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers) {
        try {
          await handler(event);
        } catch (err) {
          this.logger.error({ err, event: event.type }, 'a domain event handler failed');
        }
      }
    }
  }
}
