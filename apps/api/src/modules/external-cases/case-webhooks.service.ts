import type { CaseStatus, HelpdeskEvent, Message, Resolution, WebhookEvent } from '@baton/contracts';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CoalescedRuns } from '../../jobs/coalesced-runs.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { LOGGER } from '../../logging/logging.module.js';
import type { Conversation } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { RedisService } from '../../redis/redis.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { QueuePositionsService } from '../routing/queue-positions.service.js';
import { WEBHOOK_JOB, type WebhookDelivery } from './case-webhook.handler.js';
import { caseStatusOf } from './external-cases.service.js';

/** Remembered per case so a bot hears each change once, however many events led to it. */
const LAST_SENT_TTL_SECONDS = 7 * 86_400;
/** A case with what sending to its bot needs, and its conversation's status. */
interface CaseRow {
  apiKeyId: string;
  subscribedEvents: string[];
  onFinish: unknown;
  webhookUrl: string | null;
  revokedAt: Date | null;
  status: Conversation['status'] | null;
}

/** How often at most a queue's waiting cases are ranked for their bots during a burst of changes. */
const POSITIONS_EVERY_MS = 500;

/**
 * Tells external bots what happens to the cases they handed off: the events they subscribed to, and
 * always the on-finish payload when the agent resolves. Calls are queued as signed webhook jobs.
 * Runs wherever changes happen (API and worker).
 */
@Injectable()
export class CaseWebhooksService implements OnModuleInit, OnModuleDestroy {
  /** Per queue: one ranking for however many changes came within the window, not one per change. */
  private readonly positionUpdates = new CoalescedRuns(
    (queueId) => this.positionsChanged(queueId),
    (err, queueId) => this.logger.error({ err, queueId }, 'queue position webhooks failed'),
    POSITIONS_EVERY_MS,
  );

  constructor(
    private readonly events: DomainEventsService,
    private readonly prisma: PrismaService,
    private readonly jobs: JobsService,
    private readonly redis: RedisService,
    private readonly positions: QueuePositionsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.onEvent(event));
  }

  async onModuleDestroy(): Promise<void> {
    await this.positionUpdates.stop();
  }

  private async onEvent(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'conversation.queued':
      case 'conversation.assigned':
      case 'conversation.released':
      case 'conversation.changed':
        await this.statusChanged(event.conversationId);
        if (event.type !== 'conversation.changed' && event.queueId) this.positionUpdates.mark(event.queueId);
        return;
      case 'conversation.resolved':
        await this.statusChanged(event.conversationId);
        await this.finished(event.conversationId, event.resolution as Resolution);
        return;
      case 'message.created':
        // Cases are handed off through the API, so only conversations on API channels have one.
        if (
          event.conversation.channelKind === 'api' &&
          event.message.authorKind === 'agent' &&
          !event.message.internal
        )
          await this.agentMessage(event.message);
        return;
      default:
        return;
    }
  }

  /**
   * The case of a conversation with its key's webhook and the conversation's status as it is now, in
   * one statement (null: not a case). Read, not taken from the event: reactions to a case's events run
   * concurrently (queued and assigned in a burst), and the bot must end up hearing the latest.
   */
  private async caseOf(conversationId: string): Promise<CaseRow | null> {
    const [row] = await this.prisma.$queryRaw<CaseRow[]>`
      SELECT e.api_key_id AS "apiKeyId", e.subscribed_events AS "subscribedEvents", e.on_finish AS "onFinish",
             k.webhook_url AS "webhookUrl", k.revoked_at AS "revokedAt",
             (SELECT c.status::text FROM conversations c WHERE c.id = e.conversation_id) AS status
        FROM external_cases e JOIN api_keys k ON k.id = e.api_key_id
       WHERE e.conversation_id = ${conversationId}::uuid`;
    return row ?? null;
  }

  /** Sends only when `value` differs from what this case's bot last heard for `what`. */
  private async changed(caseId: string, what: string, value: string): Promise<boolean> {
    const key = this.redis.keys.caseWebhookLastSent(caseId, what);
    const previous = await this.redis.client.set(key, value, 'EX', LAST_SENT_TTL_SECONDS, 'GET');
    return previous !== value;
  }

  private async statusChanged(conversationId: string): Promise<void> {
    const found = await this.caseOf(conversationId);
    if (!found?.subscribedEvents.includes('status_changed')) return;
    const status: CaseStatus = caseStatusOf(found.status ?? 'closed');
    if (!(await this.changed(conversationId, 'status', status))) return;
    await this.send(found, 'status_changed', {
      event: 'status_changed',
      case_id: conversationId,
      status,
      at: new Date().toISOString(),
    });
  }

  private async positionsChanged(queueId: string): Promise<void> {
    // Every routing event of every queue leads here: look for subscribers before ranking the queue.
    const subscribed = await this.prisma.externalCase.findMany({
      where: {
        subscribedEvents: { has: 'queue_position_changed' },
        conversation: { queueId, status: 'queued' },
        apiKey: { webhookUrl: { not: null }, revokedAt: null },
      },
      select: { conversationId: true, apiKeyId: true },
    });
    if (subscribed.length === 0) return;
    const waiting = new Map((await this.positions.forQueue(queueId)).map((p) => [p.conversationId, p]));
    // Assigned between the two reads: its status event says so instead.
    const ranked = subscribed.flatMap((sub) => {
      const p = waiting.get(sub.conversationId);
      return p ? [{ ...sub, ...p }] : [];
    });
    // What each bot last heard, swapped for the new position in one round trip.
    const swap = this.redis.client.pipeline();
    for (const r of ranked) {
      const key = this.redis.keys.caseWebhookLastSent(r.conversationId, 'position');
      swap.set(key, String(r.position), 'EX', LAST_SENT_TTL_SECONDS, 'GET');
    }
    const previous = (await swap.exec()) ?? [];
    const at = new Date().toISOString();
    const moved = ranked.filter((r, i) => previous[i]?.[1] !== String(r.position));
    await this.jobs.queue(QueueName.Outbound).addBulk(
      moved.map((r) =>
        this.delivery(r.apiKeyId, 'queue_position_changed', {
          event: 'queue_position_changed',
          case_id: r.conversationId,
          position: r.position,
          estimated_wait_seconds: r.estimatedWaitSeconds,
          at,
        }),
      ),
    );
  }

  private async agentMessage(message: Message): Promise<void> {
    const found = await this.caseOf(message.conversationId);
    if (!found?.subscribedEvents.includes('agent_message_created')) return;
    await this.send(found, 'agent_message_created', {
      event: 'agent_message_created',
      case_id: message.conversationId,
      message: {
        id: message.id,
        text: message.body,
        // Whoever wrote it: a supervisor who barges in is named, not the assigned agent.
        agent_name: message.authorName,
        seq: message.seq,
      },
      at: new Date().toISOString(),
    });
  }

  private async finished(conversationId: string, resolution: Resolution): Promise<void> {
    const found = await this.caseOf(conversationId);
    if (!found) return;
    await this.send(found, 'case_finished', {
      event: 'case_finished',
      case_id: conversationId,
      resolution,
      on_finish: found.onFinish ?? null,
      at: new Date().toISOString(),
    });
  }

  /** To the case's key, as read with the case: a revoked key or one without a webhook sends nothing. */
  private async send(
    found: CaseRow,
    event: HelpdeskEvent | 'case_finished',
    body: WebhookEvent,
  ): Promise<void> {
    if (!found.webhookUrl || found.revokedAt) return;
    const { name, data, opts } = this.delivery(found.apiKeyId, event, body);
    await this.jobs.queue(QueueName.Outbound).add(name, data, opts);
  }

  /** A signed webhook call as a job, retried with backoff. */
  private delivery(apiKeyId: string, event: HelpdeskEvent | 'case_finished', body: WebhookEvent) {
    const deliveryId = randomUUID();
    const data: WebhookDelivery = { apiKeyId, event, deliveryId, body: JSON.stringify(body) };
    const opts = {
      jobId: `webhook-${deliveryId}`,
      attempts: 8,
      backoff: { type: 'exponential', delay: 1_000 },
    };
    return { name: WEBHOOK_JOB, data, opts };
  }
}
