import type { Job } from 'bullmq';
import type { QueueName } from './queue-names.js';

/** One kind of job the worker runs. Registered with {@link WorkerModule.register}. */
export interface JobHandler<Data = unknown, Result = unknown> {
  readonly queue: QueueName;
  readonly jobName: string;
  /** `token` is the worker's lock on the job, needed to move it back to delayed (see BullMQ's DelayedError). */
  handle(job: Job<Data, Result>, token?: string): Promise<Result>;
  /** Called once when the job has failed for good (no attempts left, or it stalled too often). */
  failedForGood?(job: Job<Data, Result>, error: Error): Promise<void>;
  /**
   * Queues again, from PostgreSQL, every job of this kind that should exist: Redis may have lost
   * them, or they failed for good. Idempotent; returns how many were added or restarted.
   */
  reconcile?(): Promise<number>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
