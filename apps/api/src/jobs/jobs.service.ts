import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module.js';
import { RedisService } from '../redis/redis.service.js';
import { logBullmqErrors } from './bullmq-errors.js';
import type { QueueName } from './queue-names.js';

/** Job ids looked up in one round of {@link JobsService.ensure}. */
const ENSURE_BATCH = 500;

/**
 * Every job is retried unless its producer says otherwise (bot turns, deliveries and webhooks set
 * their own): 10 attempts over about 8.5 minutes, each wait twice the last and jittered so jobs that
 * failed together in an outage do not all come back at once. Handlers are idempotent under retry.
 */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** A job that must exist once: its id is derived from what it is for (BullMQ ids may not contain colons). */
export interface EnsuredJob<Data = unknown> {
  name: string;
  data: Data;
  opts: JobsOptions & { jobId: string };
}

/** Producer side of BullMQ, shared by api and worker. Queues are created on first use. */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * A Redis that evicts keys under memory pressure silently drops queued jobs and timers: said once
   * at start, without refusing to run (a managed Redis may not let its policy be read).
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const policy = /^maxmemory_policy:(\S+)/m.exec(await this.redis.client.info('memory'))?.[1];
      if (policy && policy !== 'noeviction') {
        this.logger.warn(
          { policy },
          `Redis maxmemory-policy is ${policy}: under memory pressure Redis drops queued jobs and timers; set it to noeviction (docs/OPERATIONS.md, "Redis configuration")`,
        );
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not read the Redis maxmemory-policy');
    }
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.redis.client,
        prefix: this.redis.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      logBullmqErrors(queue, this.logger, { queue: name });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * A job repeated every `everyMs` (one schedule across workers, named after the job). `when: 'missing'`
   * registers it only if Redis lost it (for reconciliation); returns 1 when it was registered.
   */
  async schedule(
    name: QueueName,
    jobName: string,
    everyMs: number,
    when: 'always' | 'missing' = 'always',
  ): Promise<number> {
    const queue = this.queue(name);
    if (when === 'missing' && (await queue.getJobScheduler(jobName))) return 0;
    await queue.upsertJobScheduler(jobName, { every: everyMs }, { name: jobName });
    return 1;
  }

  /**
   * Adds each job unless one with its id is still known to BullMQ: one waiting or delayed is left
   * alone, one that completed has done its work, one that failed for good runs again from its first
   * attempt. Returns how many were added or restarted.
   */
  async ensure(name: QueueName, jobs: EnsuredJob[]): Promise<number> {
    const queue = this.queue(name);
    const unique = [...new Map(jobs.map((job) => [job.opts.jobId, job])).values()];
    let started = 0;
    for (let at = 0; at < unique.length; at += ENSURE_BATCH) {
      const batch = unique.slice(at, at + ENSURE_BATCH);
      const states = await Promise.all(batch.map((job) => queue.getJobState(job.opts.jobId)));
      const missing = batch.filter((_, i) => states[i] === 'unknown');
      const failed = batch.filter((_, i) => states[i] === 'failed');
      if (missing.length > 0) await queue.addBulk(missing);
      for (const { opts } of failed) {
        try {
          const job = await queue.getJob(opts.jobId);
          await job?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          started += 1;
        } catch (err) {
          // Another worker reconciling at the same moment restarted it first.
          if ((await queue.getJobState(opts.jobId)) === 'failed') throw err;
        }
      }
      started += missing.length;
    }
    return started;
  }

  /** Completion events for callers that wait on a job's result (QueueEvents holds a blocking connection). */
  queueEvents(name: QueueName): QueueEvents {
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, {
        connection: this.redis.connect(`events:${name}`),
        prefix: this.redis.prefix,
      });
      logBullmqErrors(events, this.logger, { queue: name });
      this.events.set(name, events);
    }
    return events;
  }

  /** After consumers stopped (they may still enqueue), before Redis closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.events.values()].map((events) => events.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
