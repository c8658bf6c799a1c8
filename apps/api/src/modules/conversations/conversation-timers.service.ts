import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../../config/config.service.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';

export const SLA_CHECK_JOB = 'conversations.sla_check';
export const CLOSE_JOB = 'conversations.close';
export const OFFER_TIMEOUT_JOB = 'conversations.offer_timeout';

export interface OfferTimeout {
  conversationId: string;
  userId: string;
  expiresAt: string;
}

export interface SlaCheck {
  conversationId: string;
  kind: 'first_response' | 'resolution';
  /** The deadline this job was set for; a later handoff sets a new one and this job then does nothing. */
  dueAt: string;
}

export interface CloseCheck {
  conversationId: string;
  resolvedAt: string;
}

/**
 * Timers as BullMQ delayed jobs, so they survive restarts and run once across instances: SLA checks
 * at each deadline set by a handoff, offer timeouts, and closing a conversation some time after it
 * was resolved.
 */
@Injectable()
export class ConversationTimersService implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly events: DomainEventsService,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.schedule(event));
  }

  private async schedule(event: DomainEvent): Promise<void> {
    const queue = this.jobs.queue(QueueName.System);
    if (event.type === 'conversation.handed_off') {
      for (const [kind, dueAt] of [
        ['first_response', event.firstResponseDueAt],
        ['resolution', event.resolutionDueAt],
      ] as const) {
        if (!dueAt) continue;
        const data: SlaCheck = { conversationId: event.conversationId, kind, dueAt };
        await queue.add(SLA_CHECK_JOB, data, {
          delay: Math.max(0, new Date(dueAt).getTime() - Date.now()),
          // One check per deadline even if the event is handled twice (BullMQ ids may not contain colons).
          jobId: `sla-${kind}-${event.conversationId}-${new Date(dueAt).getTime()}`,
        });
      }
    }
    if (event.type === 'conversation.offered') {
      const data: OfferTimeout = {
        conversationId: event.conversationId,
        userId: event.userId,
        expiresAt: event.expiresAt,
      };
      await queue.add(OFFER_TIMEOUT_JOB, data, {
        delay: Math.max(0, new Date(event.expiresAt).getTime() - Date.now()),
      });
    }
    if (event.type === 'conversation.resolved') {
      const data: CloseCheck = { conversationId: event.conversationId, resolvedAt: event.resolvedAt };
      await queue.add(CLOSE_JOB, data, { delay: this.config.env.CONVERSATION_CLOSE_AFTER_SECONDS * 1000 });
    }
  }
}
