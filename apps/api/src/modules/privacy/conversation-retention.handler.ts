import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { LOGGER } from '../../logging/logging.module.js';
import { ConversationRetentionService, type RetentionBatch } from './conversation-retention.service.js';

export const PURGE_CLOSED_JOB = 'privacy.purge_closed_conversations';
const EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Purged = RetentionBatch & { batches: number };

/**
 * Hourly, when `CONVERSATION_RETENTION_DAYS` is set: deletes the conversations closed longer ago
 * (one job scheduler across workers). Setting it back to 0 removes the schedule.
 */
@Injectable()
export class ConversationRetentionHandler implements JobHandler<unknown, Purged>, OnApplicationBootstrap {
  readonly queue = QueueName.System;
  readonly jobName = PURGE_CLOSED_JOB;

  constructor(
    private readonly retention: ConversationRetentionService,
    private readonly jobs: JobsService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env.CONVERSATION_RETENTION_DAYS === 0) {
      await this.jobs.queue(this.queue).removeJobScheduler(PURGE_CLOSED_JOB);
      return;
    }
    await this.jobs.schedule(this.queue, PURGE_CLOSED_JOB, EVERY_MS);
  }

  /** The schedule lives in Redis only: registered again when the timers are rebuilt and it is gone. */
  async reconcile(): Promise<number> {
    if (this.config.env.CONVERSATION_RETENTION_DAYS === 0) return 0;
    return this.jobs.schedule(this.queue, PURGE_CLOSED_JOB, EVERY_MS, 'missing');
  }

  async handle(job: Job<unknown, Purged>): Promise<Purged> {
    const days = this.config.env.CONVERSATION_RETENTION_DAYS;
    if (days === 0) return { conversations: 0, messages: 0, contacts: 0, batches: 0 };
    const closedBefore = new Date(Date.now() - days * DAY_MS);
    const purged = await this.retention.purge(closedBefore, (total) => {
      this.logger.info({ ...total, closedBefore }, 'purging closed conversations past retention');
      void job.updateProgress(total);
    });
    if (purged.batches > 0) this.logger.info({ ...purged, closedBefore }, 'purged closed conversations');
    return purged;
  }
}
