import type { INestApplicationContext } from '@nestjs/common';
import type { Job, JobType } from 'bullmq';
import { JobsService } from '../../src/jobs/jobs.service.js';
import type { QueueName } from '../../src/jobs/queue-names.js';
import { eventually } from './api.js';

/** Every state in which a job still has to run (or finish running). */
const UNFINISHED: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

/**
 * Waits until the BullMQ `queues` hold no unfinished job — none waiting, running, delayed (timers and
 * retries included) — so everything those jobs would do has been done. This is the positive signal
 * for "nothing (more) happened": assert after draining instead of sleeping. `only` narrows the wait
 * to the jobs a test cares about, where the queue also holds long timers of other tests (SLA checks,
 * disconnect grace periods). Throws when jobs are still unfinished after `timeoutMs`.
 */
export async function drainQueues(
  app: INestApplicationContext,
  queues: QueueName[],
  options: { only?: (job: Job) => boolean; timeoutMs?: number } = {},
): Promise<void> {
  const { only, timeoutMs = 10_000 } = options;
  const jobs = app.get(JobsService, { strict: false });
  const unfinished = async (): Promise<string[]> => {
    const lists = await Promise.all(queues.map((name) => jobs.queue(name).getJobs(UNFINISHED)));
    return lists
      .flat()
      .filter((job): job is Job => Boolean(job) && (!only || only(job)))
      .map((job) => `${job.queueName}/${job.name} ${job.id}`);
  };
  const left = await eventually(unfinished, (list) => list.length === 0, timeoutMs);
  if (left.length > 0) {
    throw new Error(`still unfinished after ${timeoutMs} ms: ${left.join(', ')}`);
  }
}
