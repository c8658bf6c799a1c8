import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';
import { AgentDepartures } from './agent-departures.service.js';

export const DISCONNECT_GRACE_JOB = 'agents.disconnect_grace';

/** Runs when an agent's grace period after losing their last socket is over. */
@Injectable()
export class DisconnectGraceHandler implements JobHandler<{ userId: string }, { released: number }> {
  readonly queue = QueueName.System;
  readonly jobName = DISCONNECT_GRACE_JOB;

  constructor(private readonly departures: AgentDepartures) {}

  handle(job: Job<{ userId: string }>): Promise<{ released: number }> {
    return this.departures.leaveAfterDisconnect(job.data.userId);
  }
}
