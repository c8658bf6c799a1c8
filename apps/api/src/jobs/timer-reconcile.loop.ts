import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../config/config.service.js';
import { LOGGER } from '../logging/logging.module.js';
import { RedisService } from '../redis/redis.service.js';
import { IntervalLoop } from './interval-loop.js';
import { JOB_HANDLERS, type JobHandler } from './job-handler.js';

/**
 * Runs in the worker at start, every TIMER_RECONCILE_SECONDS and whenever Redis comes back after an
 * outage (a Redis without persistence comes back empty): each kind of job that can say from
 * PostgreSQL which of its jobs should exist queues those Redis lost (a restart without persistence,
 * an eviction) and restarts those that failed for good. One kind failing does not stop the others.
 */
@Injectable()
export class TimerReconcileLoop extends IntervalLoop {
  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    config: ConfigService,
    redis: RedisService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'timer reconciliation', config.env.TIMER_RECONCILE_SECONDS * 1000, true);
    redis.onRecovered(() => this.runNow());
  }

  /** Returns how many jobs were queued again or restarted, per job name. */
  async tick(): Promise<Record<string, number>> {
    const started: Record<string, number> = {};
    for (const handler of this.handlers) {
      if (!handler.reconcile) continue;
      try {
        started[handler.jobName] = await handler.reconcile();
      } catch (err) {
        this.logger.error({ err, job: handler.jobName }, 'timer reconciliation failed for one kind of job');
      }
    }
    const rebuilt = Object.fromEntries(Object.entries(started).filter(([, n]) => n > 0));
    if (Object.keys(rebuilt).length > 0)
      this.logger.warn({ jobs: rebuilt }, 'timers rebuilt from the database');
    return started;
  }
}
