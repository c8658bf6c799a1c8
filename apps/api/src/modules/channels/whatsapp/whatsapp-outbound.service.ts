import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { JobsService } from '../../../jobs/jobs.service.js';
import { QueueName } from '../../../jobs/queue-names.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { PrismaService } from '../../../prisma/prisma.service.js';
import { MessageLog } from '../../conversations/message-log.service.js';
import { DomainEventsService, type DomainEvent } from '../../events/domain-events.service.js';

export const WHATSAPP_DELIVER_JOB = 'whatsapp.deliver';

export interface WhatsappDelivery {
  messageId: string;
}

/** Who writes to the customer: every non-internal message not written by the customer goes out. */
export const OUTBOUND_AUTHORS = ['agent', 'bot', 'system'] as const;

/** A message waiting longer than this without news may have lost its job (Redis down at the time). */
export const STALE_PENDING_MS = 15_000;

const jobId = (messageId: string) => `wa-${messageId}`; // BullMQ ids may not contain colons

/**
 * Turns replies on WhatsApp conversations into delivery jobs. Runs in the API and in the worker (bot
 * replies are written there): wherever a message is created, its event is handled in that process.
 */
@Injectable()
export class WhatsappOutboundService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly messageLog: MessageLog,
    private readonly jobs: JobsService,
    private readonly events: DomainEventsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.onEvent(event));
  }

  private async onEvent(event: DomainEvent): Promise<void> {
    if (event.type !== 'message.created' || event.conversation.channelKind !== 'whatsapp') return;
    if (event.message.internal || event.message.authorKind === 'customer') return;
    await this.markPending(event.conversation.id, event.message.seq);
  }

  /**
   * Marks the conversation's undelivered replies up to `seq` as pending and queues them. Marking
   * everything up to `seq`, not just `seq`, keeps order even when the events of two replies are handled
   * out of order (in two processes): the later one never becomes the recipient's oldest pending message
   * while the earlier one is still unmarked. Only for conversations on WhatsApp.
   */
  async markPending(conversationId: string, seq: number): Promise<number> {
    const marked = await this.messageLog.markPending(conversationId, seq, OUTBOUND_AUTHORS);
    for (const messageId of marked) await this.ensureQueued(messageId);
    return marked.length;
  }

  /**
   * One job per message, however often this is called: an existing job is left alone, a job that ran
   * out of attempts (an outage, not the provider) is retried.
   */
  async ensureQueued(messageId: string): Promise<boolean> {
    const queue = this.jobs.queue(QueueName.Outbound);
    const existing = await queue.getJob(jobId(messageId));
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      }
      if (state !== 'completed' && state !== 'unknown') return false;
      // Completed while the message is still pending should not happen; never leave it stranded.
      if (state === 'completed') await existing.remove();
    }
    const data: WhatsappDelivery = { messageId };
    await queue.add(WHATSAPP_DELIVER_JOB, data, {
      jobId: jobId(messageId),
      // For failures of our own (database, Redis); provider errors are retried per message instead.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
    });
    return true;
  }

  /**
   * The safety net (run by the worker): re-queues pending messages whose job is gone, and marks
   * replies whose event never ran (the process died right after the commit). `now` lets a test look
   * from the future instead of waiting.
   */
  async sweep(now = Date.now()): Promise<number> {
    let queued = 0;
    // Unmarked first: an older reply must be pending before a later one's job can pick the oldest.
    const unmarked = await this.prisma.message.groupBy({
      by: ['conversationId'],
      where: {
        deliveryStatus: null,
        internal: false,
        authorKind: { in: [...OUTBOUND_AUTHORS] },
        createdAt: { lt: new Date(now - STALE_PENDING_MS), gt: new Date(now - 86_400_000) },
        conversation: { channel: { kind: 'whatsapp' } },
      },
      _max: { seq: true },
      take: 500,
      orderBy: { conversationId: 'asc' },
    });
    for (const group of unmarked) {
      if (group._max.seq !== null) queued += await this.markPending(group.conversationId, group._max.seq);
    }

    const stale = await this.prisma.message.findMany({
      where: { deliveryStatus: 'pending', deliveryUpdatedAt: { lt: new Date(now - STALE_PENDING_MS) } },
      orderBy: { deliveryUpdatedAt: 'asc' },
      select: { id: true },
      take: 500,
    });
    for (const message of stale) if (await this.ensureQueued(message.id)) queued += 1;
    if (queued > 0) this.logger.warn({ queued }, 'whatsapp sweep re-queued undelivered messages');
    return queued;
  }
}
