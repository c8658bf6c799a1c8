import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService } from '../../prisma/prisma.service.js';

/** Scrapes within this long share one reading, so however often anyone scrapes, the database is asked no more. */
export const BACKLOG_CACHE_MS = 5_000;

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
type JobState = (typeof JOB_STATES)[number];

export interface Backlog {
  /** Conversations waiting in each queue (archived queues only while they still hold some). */
  queues: { queue: string; waiting: number; oldestWaitSeconds: number }[];
  jobs: { queue: QueueName; counts: Record<JobState, number> }[];
  /** Age of the oldest audit event the sealer has not linked into the chain yet; 0 when none. */
  unsealedAgeSeconds: number;
}

/**
 * What is waiting to be done, read when Prometheus scrapes: conversations in queues (one aggregate
 * over the `(status, queue_id, …)` index), BullMQ jobs in Redis, unsealed audit events (the oldest
 * `chain_pos IS NULL`). The worker has no endpoint of its own: its queues and the sealer's progress
 * are read here, from where they are kept.
 */
@Injectable()
export class BacklogReadings {
  private cached: { at: number; reading: Promise<Backlog | null> } | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The latest reading, taken again once it is older than {@link BACKLOG_CACHE_MS}; null if it failed. */
  read(): Promise<Backlog | null> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= BACKLOG_CACHE_MS) {
      this.cached = { at: now, reading: this.take() };
    }
    return this.cached.reading;
  }

  private async take(): Promise<Backlog | null> {
    try {
      const [queues, [audit], jobs] = await Promise.all([
        this.prisma.$queryRaw<{ queue: string; waiting: number; oldest: number }[]>`
          SELECT q.name AS queue, count(c.id)::int AS waiting,
                 coalesce(extract(epoch FROM now() - min(c.waiting_since)), 0)::float8 AS oldest
            FROM queues q
            LEFT JOIN conversations c ON c.queue_id = q.id AND c.status = 'queued'
           WHERE q.archived_at IS NULL OR c.id IS NOT NULL
           GROUP BY q.name`,
        this.prisma.$queryRaw<{ age: number }[]>`
          SELECT coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS age
            FROM audit_events WHERE chain_pos IS NULL`,
        Promise.all(Object.values(QueueName).map((queue) => this.jobCounts(queue))),
      ]);
      return {
        queues: queues.map((row) => ({
          queue: row.queue,
          waiting: row.waiting,
          oldestWaitSeconds: row.oldest,
        })),
        jobs,
        unsealedAgeSeconds: audit?.age ?? 0,
      };
    } catch (err) {
      this.logger.warn({ err }, 'metrics: could not read queues, jobs or the audit backlog');
      return null;
    }
  }

  private async jobCounts(queue: QueueName): Promise<Backlog['jobs'][number]> {
    const counts = await this.jobs.queue(queue).getJobCounts(...JOB_STATES, 'prioritized');
    // Jobs with a priority wait in their own set; to an operator they are waiting all the same.
    const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    return {
      queue,
      counts: {
        waiting,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      },
    };
  }
}
