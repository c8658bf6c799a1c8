import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module.js';
import { RedisService } from '../redis/redis.service.js';
import { logBullmqErrors } from './bullmq-errors.js';
import type { QueueName } from './queue-names.js';

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Producer side of BullMQ, shared by api and worker. Queues are created on first use. */
@Injectable()
export class JobsService implements BeforeApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

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
