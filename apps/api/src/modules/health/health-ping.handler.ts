import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { hostname } from 'node:os';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';

export const HEALTH_PING_JOB = 'health.ping';

export interface HealthPing {
  nonce: string;
}
export interface HealthPong {
  nonce: string;
  worker: string;
  processedAt: string;
}

/** Trivial job that proves the path api → Redis → worker → Redis works end to end. */
@Injectable()
export class HealthPingHandler implements JobHandler<HealthPing, HealthPong> {
  readonly queue = QueueName.System;
  readonly jobName = HEALTH_PING_JOB;

  async handle(job: Job<HealthPing, HealthPong>): Promise<HealthPong> {
    return {
      nonce: job.data.nonce,
      worker: `${hostname()}:${process.pid}`,
      processedAt: new Date().toISOString(),
    };
  }
}
