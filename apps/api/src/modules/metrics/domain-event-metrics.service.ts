import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { MetricsService } from './metrics.service.js';

const AUTHOR_KINDS = ['customer', 'bot', 'agent', 'system'] as const;

/** Assignments remembered between scrapes; past this (nobody scraping), later ones are not measured. */
export const MAX_PENDING_ASSIGNMENTS = 10_000;

/**
 * What this process did, from its domain events: messages stored (by author kind, the only fields
 * relied on besides the type) and the routing latency of its assignments. An event costs a counter
 * increment or a set insertion; the latency of the assignments is read at the next scrape, in one
 * query, from the conversations' own `waiting_since` (when they took their place in the queue) and
 * `assigned_at`. Transfers straight to a colleague are assignments too, but not routing: their
 * decision says `transfer`, and they are left out.
 */
@Injectable()
export class DomainEventMetrics implements OnModuleInit {
  private readonly assignedSinceScrape = new Set<string>();

  constructor(
    private readonly metrics: MetricsService,
    private readonly events: DomainEventsService,
    private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    const messages = new Counter({
      name: 'baton_messages_stored_total',
      help: 'Messages this process stored, by author kind.',
      labelNames: ['author_kind'],
      registers: [this.metrics.registry],
    });
    for (const kind of AUTHOR_KINDS) messages.inc({ author_kind: kind }, 0);
    const pending = this.assignedSinceScrape;
    this.events.subscribe((event) => {
      if (event.type === 'message.created') messages.inc({ author_kind: event.message.authorKind });
      else if (event.type === 'conversation.assigned' && pending.size < MAX_PENDING_ASSIGNMENTS) {
        pending.add(event.conversationId);
      }
    });
    const observe = (histogram: Histogram<'queue'>) => this.observeAssignments(histogram);
    new Histogram({
      name: 'baton_routing_latency_seconds',
      help: 'Conversations this process assigned: time from taking their place in the queue to the assignment.',
      labelNames: ['queue'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [this.metrics.registry],
      collect() {
        return observe(this);
      },
    });
  }

  private async observeAssignments(histogram: Histogram<'queue'>): Promise<void> {
    if (this.assignedSinceScrape.size === 0) return;
    const ids = [...this.assignedSinceScrape];
    this.assignedSinceScrape.clear();
    try {
      const rows = await this.prisma.$queryRaw<{ queue: string; wait: number }[]>`
        SELECT q.name AS queue, extract(epoch FROM c.assigned_at - c.waiting_since)::float8 AS wait
          FROM conversations c
          JOIN queues q ON q.id = c.queue_id
          JOIN LATERAL (SELECT d.mode FROM routing_decisions d WHERE d.conversation_id = c.id
                         ORDER BY d.created_at DESC LIMIT 1) latest ON latest.mode <> 'transfer'
         WHERE c.id = ANY(${ids}::uuid[]) AND c.assigned_at >= c.waiting_since`;
      for (const row of rows) histogram.observe({ queue: row.queue }, row.wait);
    } catch (err) {
      this.logger.warn({ err, assignments: ids.length }, 'metrics: could not read the routing latency');
    }
  }
}
