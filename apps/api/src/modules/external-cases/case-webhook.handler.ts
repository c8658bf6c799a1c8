import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createHmac } from 'node:crypto';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';

export interface WebhookDelivery {
  apiKeyId: string;
  event: string;
  deliveryId: string;
  /** The exact bytes signed and sent. */
  body: string;
}

export const WEBHOOK_JOB = 'webhook.deliver';
const TIMEOUT_MS = 10_000;

/** `v1=` HMAC-SHA256 over `<timestamp>.<body>`: the timestamp lets receivers refuse replays. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Delivers one signed webhook call; any non-2xx answer is retried with exponential backoff. */
@Injectable()
export class CaseWebhookHandler implements JobHandler<
  WebhookDelivery,
  { status: number } | { skipped: string }
> {
  readonly queue = QueueName.Outbound;
  readonly jobName = WEBHOOK_JOB;

  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  async handle(job: Job<WebhookDelivery>): Promise<{ status: number } | { skipped: string }> {
    const key = await this.prisma.apiKey.findUnique({ where: { id: job.data.apiKeyId } });
    // A revoked key's bot is no longer trusted with case data.
    if (!key || key.revokedAt || !key.webhookUrl) return { skipped: 'key revoked or webhook removed' };
    const secret = this.keys.webhookSecret(key);
    if (!secret) return { skipped: 'no webhook secret' };
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(key.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Baton-Webhooks/1',
        'x-baton-event': job.data.event,
        'x-baton-delivery': job.data.deliveryId,
        'x-baton-timestamp': String(timestamp),
        'x-baton-signature': signWebhook(secret, timestamp, job.data.body),
      },
      body: job.data.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    return { status: response.status };
  }

  async failedForGood(job: Job<WebhookDelivery>, error: Error): Promise<void> {
    await this.audit.recordNow({
      action: 'webhook.delivery_failed',
      result: 'failed',
      actor: null,
      target: { type: 'api_key', id: job.data.apiKeyId },
      data: {
        event: job.data.event,
        deliveryId: job.data.deliveryId,
        attempts: job.attemptsMade,
        error: error.message.slice(0, 200),
      },
    });
  }
}
