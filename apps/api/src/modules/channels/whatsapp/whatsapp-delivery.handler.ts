import { Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { JobHandler } from '../../../jobs/job-handler.js';
import { QueueName } from '../../../jobs/queue-names.js';
import { WhatsappDeliveryService } from './whatsapp-delivery.service.js';
import { WHATSAPP_DELIVER_JOB, type WhatsappDelivery } from './whatsapp-outbound.service.js';

/**
 * Delivers one WhatsApp reply (and, on the way, any older one of the same recipient). When it has to
 * wait — recipient busy, window full, backing off after a provider error — the job goes back to
 * delayed until then: BullMQ does not count that as an attempt, so waiting never uses up retries.
 */
@Injectable()
export class WhatsappDeliveryHandler implements JobHandler<WhatsappDelivery, { delivered: true }> {
  readonly queue = QueueName.Outbound;
  readonly jobName = WHATSAPP_DELIVER_JOB;

  constructor(private readonly delivery: WhatsappDeliveryService) {}

  async handle(
    job: Job<WhatsappDelivery, { delivered: true }>,
    token?: string,
  ): Promise<{ delivered: true }> {
    const result = await this.delivery.drain(job.data.messageId);
    if (result.status === 'done') return { delivered: true };
    if (!token) throw new Error('Cannot postpone a job without its worker token');
    await job.moveToDelayed(result.until, token);
    throw new DelayedError();
  }
}
