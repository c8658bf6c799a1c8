import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';
import { DISCONNECT_GRACE_JOB, type DisconnectGrace } from '../agents/agent-connections.service.js';
import { AgentDepartures } from './agent-departures.service.js';

/** Runs when an agent's grace period after losing their last socket is over. */
@Injectable()
export class DisconnectGraceHandler implements JobHandler<DisconnectGrace, { released: number }> {
  readonly queue = QueueName.System;
  readonly jobName = DISCONNECT_GRACE_JOB;

  constructor(private readonly departures: AgentDepartures) {}

  handle(job: Job<DisconnectGrace>): Promise<{ released: number }> {
    return this.departures.leaveAfterDisconnect(job.data.userId, job.data.since);
  }
}
