import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { QueueName } from '../../jobs/queue-names.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { UsersService } from './users.service.js';

export const DISABLE_DORMANT_JOB = 'identity.disable_dormant';
const EVERY_MS = 6 * 3_600_000;

/** Disables dormant accounts every few hours (the job scheduler keeps one schedule across workers). */
@Injectable()
export class DormantAccountsHandler
  implements JobHandler<unknown, { disabled: number }>, OnApplicationBootstrap
{
  readonly queue = QueueName.System;
  readonly jobName = DISABLE_DORMANT_JOB;

  constructor(
    private readonly users: UsersService,
    private readonly jobs: JobsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Registered (or updated to this version's interval) at every start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.schedule(this.queue, DISABLE_DORMANT_JOB, EVERY_MS);
  }

  /** The schedule lives in Redis only: registered again when the timers are rebuilt and it is gone. */
  reconcile(): Promise<number> {
    return this.jobs.schedule(this.queue, DISABLE_DORMANT_JOB, EVERY_MS, 'missing');
  }

  async handle(): Promise<{ disabled: number }> {
    const disabled = await this.users.disableDormant();
    if (disabled.length > 0) this.logger.info({ count: disabled.length }, 'disabled dormant accounts');
    return { disabled: disabled.length };
  }
}
