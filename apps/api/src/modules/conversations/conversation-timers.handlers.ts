import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { ConversationsService } from './conversations.service.js';
import {
  CLOSE_JOB,
  ConversationTimersService,
  OFFER_TIMEOUT_JOB,
  SLA_CHECK_JOB,
  type CloseCheck,
  type OfferTimeout,
  type SlaCheck,
} from './conversation-timers.service.js';

/** At an SLA deadline: if it was missed, the breach is recorded (timeline and audit) and announced. */
@Injectable()
export class SlaCheckHandler implements JobHandler<SlaCheck, { breached: boolean }> {
  readonly queue = QueueName.System;
  readonly jobName = SLA_CHECK_JOB;

  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly events: DomainEventsService,
    private readonly timers: ConversationTimersService,
  ) {}

  reconcile(): Promise<number> {
    return this.timers.reconcileSlaChecks();
  }

  async handle(job: Job<SlaCheck>): Promise<{ breached: boolean }> {
    const { conversationId, kind, dueAt } = job.data;
    const events = await this.prisma.$transaction(async (tx) => {
      const c = await this.transitions.lockIfPresent(tx, conversationId);
      return c ? this.transitions.recordSlaBreach(tx, c, kind, dueAt) : [];
    });
    await this.events.publish(...events);
    return { breached: events.length > 0 };
  }
}

/** Closes a conversation that stayed resolved for the configured time. */
@Injectable()
export class CloseResolvedHandler implements JobHandler<CloseCheck, { closed: boolean }> {
  readonly queue = QueueName.System;
  readonly jobName = CLOSE_JOB;

  constructor(
    private readonly conversations: ConversationsService,
    private readonly transitions: ConversationTransitions,
    private readonly timers: ConversationTimersService,
  ) {}

  reconcile(): Promise<number> {
    return this.timers.reconcileCloses();
  }

  async handle(job: Job<CloseCheck>): Promise<{ closed: boolean }> {
    const events = await this.conversations.transition(job.data.conversationId, async (tx, c) =>
      // Reopened (and maybe resolved again) since: a later job is responsible.
      c.status !== 'resolved' || c.resolvedAt?.toISOString() !== job.data.resolvedAt
        ? []
        : this.transitions.close(tx, c),
    );
    return { closed: events.length > 0 };
  }
}

/** An offer nobody answered in time moves on: capacity freed, routing offers it to someone else. */
@Injectable()
export class OfferTimeoutHandler implements JobHandler<OfferTimeout, { expired: boolean }> {
  readonly queue = QueueName.System;
  readonly jobName = OFFER_TIMEOUT_JOB;

  constructor(
    private readonly conversations: ConversationsService,
    private readonly transitions: ConversationTransitions,
    private readonly timers: ConversationTimersService,
  ) {}

  reconcile(): Promise<number> {
    return this.timers.reconcileOfferTimeouts();
  }

  async handle(job: Job<OfferTimeout>): Promise<{ expired: boolean }> {
    const events = await this.conversations.transition(job.data.conversationId, async (tx, c) =>
      // Accepted, declined or offered anew since: nothing to do.
      c.status !== 'queued' ||
      c.offeredToId !== job.data.userId ||
      c.offerExpiresAt?.toISOString() !== job.data.expiresAt
        ? []
        : this.transitions.withdrawOffer(tx, c, 'expired', null),
    );
    return { expired: events.length > 0 };
  }
}
