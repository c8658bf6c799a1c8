import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../../config/config.service.js';
import { JobsService, type EnsuredJob } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { PrismaService } from '../../prisma/prisma.service.js';
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
 * Timers as BullMQ delayed jobs, so they run once across instances: SLA checks at each deadline set
 * by a handoff, offer timeouts, and closing a conversation some time after it was resolved. Each job
 * id is derived from the conversation and the moment it is for, so the same timer is never queued
 * twice; PostgreSQL holds every such moment, so the timers Redis loses are rebuilt from it
 * ({@link reconcileSlaChecks} and the others, run by the worker at start and periodically).
 */
@Injectable()
export class ConversationTimersService implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly events: DomainEventsService,
    private readonly prisma: PrismaService,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.schedule(event));
  }

  private async schedule(event: DomainEvent): Promise<void> {
    const timers: EnsuredJob[] = [];
    if (event.type === 'conversation.handed_off') {
      for (const [kind, dueAt] of [
        ['first_response', event.firstResponseDueAt],
        ['resolution', event.resolutionDueAt],
      ] as const) {
        if (dueAt) timers.push(this.slaCheck({ conversationId: event.conversationId, kind, dueAt }));
      }
    }
    if (event.type === 'conversation.offered') {
      const { conversationId, userId, expiresAt } = event;
      timers.push(this.offerTimeout({ conversationId, userId, expiresAt }));
    }
    if (event.type === 'conversation.resolved') {
      const { conversationId, resolvedAt } = event;
      timers.push(this.close({ conversationId, resolvedAt }));
    }
    // A job with the same id already there (the event handled twice) is left as it is.
    if (timers.length > 0) await this.jobs.queue(QueueName.System).addBulk(timers);
  }

  /** SLA deadlines of open conversations neither met nor yet recorded as breached. */
  async reconcileSlaChecks(): Promise<number> {
    const open = await this.prisma.$queryRaw<
      { conversation_id: string; kind: SlaCheck['kind']; due_at: Date }[]
    >`
      SELECT c.id AS conversation_id, d.kind, d.due_at
        FROM conversations c
       CROSS JOIN LATERAL (VALUES ('first_response', c.first_response_due_at),
                                  ('resolution', c.resolution_due_at)) AS d(kind, due_at)
       WHERE c.status IN ('queued', 'assigned')
         AND d.due_at IS NOT NULL
         AND NOT (d.kind = 'first_response' AND c.first_response_at IS NOT NULL)
         AND NOT EXISTS (
               SELECT 1 FROM conversation_events e
                WHERE e.conversation_id = c.id AND e.type = 'conversation.sla_breached'
                  AND e.data->>'kind' = d.kind AND (e.data->>'dueAt')::timestamptz = d.due_at)`;
    return this.jobs.ensure(
      QueueName.System,
      open.map((row) =>
        this.slaCheck({
          conversationId: row.conversation_id,
          kind: row.kind,
          dueAt: row.due_at.toISOString(),
        }),
      ),
    );
  }

  /** Offers still waiting for their agent's answer. */
  async reconcileOfferTimeouts(): Promise<number> {
    const offered = await this.prisma.conversation.findMany({
      where: { status: 'queued', offeredToId: { not: null }, offerExpiresAt: { not: null } },
      select: { id: true, offeredToId: true, offerExpiresAt: true },
    });
    return this.jobs.ensure(
      QueueName.System,
      offered.flatMap(({ id, offeredToId, offerExpiresAt }) =>
        offeredToId && offerExpiresAt
          ? [
              this.offerTimeout({
                conversationId: id,
                userId: offeredToId,
                expiresAt: offerExpiresAt.toISOString(),
              }),
            ]
          : [],
      ),
    );
  }

  /** Resolved conversations, each to be closed CONVERSATION_CLOSE_AFTER_SECONDS after it was resolved. */
  async reconcileCloses(): Promise<number> {
    const resolved = await this.prisma.conversation.findMany({
      where: { status: 'resolved', resolvedAt: { not: null } },
      select: { id: true, resolvedAt: true },
    });
    return this.jobs.ensure(
      QueueName.System,
      resolved.flatMap(({ id, resolvedAt }) =>
        resolvedAt ? [this.close({ conversationId: id, resolvedAt: resolvedAt.toISOString() })] : [],
      ),
    );
  }

  private slaCheck(data: SlaCheck): EnsuredJob<SlaCheck> {
    const due = new Date(data.dueAt).getTime();
    return {
      name: SLA_CHECK_JOB,
      data,
      opts: { jobId: `sla-${data.kind}-${data.conversationId}-${due}`, delay: Math.max(0, due - Date.now()) },
    };
  }

  private offerTimeout(data: OfferTimeout): EnsuredJob<OfferTimeout> {
    const expires = new Date(data.expiresAt).getTime();
    return {
      name: OFFER_TIMEOUT_JOB,
      data,
      opts: {
        jobId: `offer-${data.conversationId}-${data.userId}-${expires}`,
        delay: Math.max(0, expires - Date.now()),
      },
    };
  }

  private close(data: CloseCheck): EnsuredJob<CloseCheck> {
    const resolved = new Date(data.resolvedAt).getTime();
    const due = resolved + this.config.env.CONVERSATION_CLOSE_AFTER_SECONDS * 1000;
    return {
      name: CLOSE_JOB,
      data,
      opts: { jobId: `close-${data.conversationId}-${resolved}`, delay: Math.max(0, due - Date.now()) },
    };
  }
}
