import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { ConfigService } from '../config/config.service.js';
import { LOGGER } from '../logging/logging.module.js';
import { RedisService } from '../redis/redis.service.js';
import { logBullmqErrors } from './bullmq-errors.js';
import { JOB_HANDLERS, type JobHandler } from './job-handler.js';
import { QueueName } from './queue-names.js';

/**
 * A customer waits on a bot turn: when its worker dies, the turn must run elsewhere within seconds,
 * not after BullMQ's default 30 s lock and 30 s stall check. The lock is renewed every 3 s; a turn
 * whose lock lapsed (6 s after its worker died at most) is seen stalled at the next check or the one
 * after (every 2 s, by any live worker) and queued again. A worker whose event loop stalls for more than
 * 3 s may see its turn run a second time, so it may stall twice before the turn fails for good.
 */
const STALL_RECOVERY: Partial<
  Record<QueueName, Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>
> = {
  [QueueName.Bots]: { lockDuration: 6_000, stalledInterval: 2_000, maxStalledCount: 2 },
};

/** Starts one BullMQ worker per queue that has handlers and dispatches jobs by name. */
@Injectable()
export class WorkerRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly redis: RedisService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const byQueue = new Map<QueueName, Map<string, JobHandler>>();
    for (const handler of this.handlers) {
      const forQueue = byQueue.get(handler.queue) ?? new Map<string, JobHandler>();
      if (forQueue.has(handler.jobName))
        throw new Error(`Two handlers for job ${handler.queue}/${handler.jobName}`);
      forQueue.set(handler.jobName, handler);
      byQueue.set(handler.queue, forQueue);
    }

    for (const [queue, handlers] of byQueue) {
      const worker = new Worker(queue, (job: Job, token?: string) => this.dispatch(handlers, job, token), {
        connection: this.redis.connect(`worker:${queue}`),
        prefix: this.redis.prefix,
        concurrency: this.config.env.WORKER_CONCURRENCY,
        ...STALL_RECOVERY[queue],
      });
      worker.on('failed', (job, err) => {
        // Out of attempts (or not retryable): nothing will run it again unless someone acts.
        const forGood =
          !job || err.name === UnrecoverableError.name || job.attemptsMade >= (job.opts.attempts ?? 1);
        this.logger[forGood ? 'error' : 'warn'](
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err },
          forGood ? 'job failed for good' : 'job failed; it will be retried',
        );
        if (job) void this.afterFailure(handlers.get(job.name), job, err);
      });
      logBullmqErrors(worker, this.logger, { queue });
      this.workers.push(worker);
      this.logger.info({ queue, jobs: [...handlers.keys()] }, 'worker listening');
    }
  }

  private async dispatch(handlers: Map<string, JobHandler>, job: Job, token?: string): Promise<unknown> {
    const handler = handlers.get(job.name);
    // A job nobody handles will never succeed: fail it at once instead of retrying.
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}"`);
    return handler.handle(job, token);
  }

  /** Lets the handler make good on a job that will not be retried (a retry is waiting or delayed instead). */
  private async afterFailure(handler: JobHandler | undefined, job: Job, err: Error): Promise<void> {
    if (!handler?.failedForGood) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      await handler.failedForGood(job, err);
    } catch (error) {
      this.logger.error({ err: error, job: job.name, jobId: job.id }, 'handling a failed job failed');
    }
  }

  /**
   * The first shutdown phase: jobs finish while the database and Redis are still open (those close in
   * the last phase). close() lets running jobs finish; anything still running at the timeout is
   * retried by another worker.
   */
  async onModuleDestroy(): Promise<void> {
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, this.config.env.SHUTDOWN_TIMEOUT_MS).unref(),
    );
    await Promise.race([Promise.all(this.workers.map((worker) => worker.close())), timeout]);
  }
}
