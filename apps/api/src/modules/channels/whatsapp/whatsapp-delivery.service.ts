import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { RateLimiterService } from '../../../common/rate-limit/rate-limiter.service.js';
import { ConfigService } from '../../../config/config.service.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { PrismaService } from '../../../prisma/prisma.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { ContactsService } from '../../contacts/contacts.service.js';
import { MessageLog } from '../../conversations/message-log.service.js';
import { DomainEventsService } from '../../events/domain-events.service.js';
import { ChannelsService, type WhatsappChannel } from '../channels.service.js';
import { limitNames } from '../../../redis/redis-keys.js';
import { RedisMutexService } from '../../../redis/redis-mutex.service.js';
import { WhatsappApiClient } from './whatsapp-api.client.js';
import { OUTBOUND_AUTHORS } from './whatsapp-outbound.service.js';

/** Provider errors worth retrying are tried this often per message, backing off exponentially. */
export const MAX_SEND_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** Lease on a recipient; renewed before every send, and longer than one send may take. */
const LEASE_MS = 30_000;
/** How soon a job that found the recipient busy looks again. */
const BUSY_RETRY_MS = 150;
/** One run drains at most this many messages, then lets other recipients' jobs have the worker. */
const MAX_SENDS_PER_RUN = 100;

export type DrainResult = { status: 'done' } | { status: 'wait'; until: number };
const DONE: DrainResult = { status: 'done' };
const waitMs = (ms: number): DrainResult => ({ status: 'wait', until: Date.now() + Math.max(0, ms) });

/** Until then nobody sends to the recipient: a backoff after a provider error, or a full window. */
const gateName = limitNames.whatsappOutboundGate;
const windowName = limitNames.whatsappOutbound;
const attemptsName = limitNames.whatsappAttempts;

interface Head {
  id: string;
  conversationId: string;
  seq: number;
  body: string;
  conversation: { channelId: string; contactId: string };
}

type HeadOutcome = 'next' | { waitMs: number };

/**
 * Delivers WhatsApp replies in order per recipient, never dropping and never sending one twice:
 * - only the recipient's *oldest* pending message is ever sent, under a per-recipient lease, so a
 *   later message cannot overtake an earlier one, whichever job runs first;
 * - a send takes a slot in the recipient's sliding window (CHANNEL_OUTBOUND_PER_RECIPIENT per
 *   CHANNEL_RATE_WINDOW_SECONDS); with none free, the recipient is gated until one frees up and the
 *   jobs wait (delayed, never dropped);
 * - a provider error gates the recipient for an exponentially growing backoff, and the same head is
 *   tried again; after {@link MAX_SEND_ATTEMPTS}, or at once for an error that will not get better
 *   (a 4xx), it is marked `failed`, audited, and the next message goes.
 * A job runs until its own message is no longer pending, sending whatever is oldest on the way.
 */
@Injectable()
export class WhatsappDeliveryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly messageLog: MessageLog,
    private readonly limiter: RateLimiterService,
    private readonly mutex: RedisMutexService,
    private readonly api: WhatsappApiClient,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async drain(messageId: string): Promise<DrainResult> {
    const own = await this.prisma.message.findUnique({
      where: { id: messageId },
      select: { deliveryStatus: true, conversation: { select: { contactId: true } } },
    });
    if (own?.deliveryStatus !== 'pending') return DONE;
    const recipient = own.conversation.contactId;
    const gated = await this.limiter.lockedFor(gateName(recipient));
    if (gated > 0) return waitMs(gated);
    const lease = await this.mutex.tryAcquire(limitNames.whatsappOutbound(recipient), LEASE_MS);
    if (!lease) return waitMs(BUSY_RETRY_MS);
    const channels = new Map<string, WhatsappChannel | null>();
    try {
      for (let sent = 0; sent < MAX_SENDS_PER_RUN; sent += 1) {
        const head = await this.head(recipient);
        if (!head) return DONE;
        const outcome = await this.deliverHead(head, channels);
        if (outcome !== 'next') return waitMs(outcome.waitMs);
        // Lost the lease (a send outlived it): someone else may be sending now, so stop.
        if (!(await lease.extend())) return waitMs(BUSY_RETRY_MS);
      }
      const still = await this.prisma.message.findUnique({
        where: { id: messageId },
        select: { deliveryStatus: true },
      });
      return still?.deliveryStatus === 'pending' ? waitMs(0) : DONE;
    } finally {
      await lease.release();
    }
  }

  /** The recipient's oldest undelivered reply: older conversations first, then by `seq`. */
  private head(contactId: string): Promise<Head | null> {
    return this.prisma.message.findFirst({
      where: {
        deliveryStatus: 'pending',
        internal: false,
        authorKind: { in: [...OUTBOUND_AUTHORS] },
        conversation: { contactId },
      },
      orderBy: [{ conversation: { createdAt: 'asc' } }, { conversationId: 'asc' }, { seq: 'asc' }],
      select: {
        id: true,
        conversationId: true,
        seq: true,
        body: true,
        conversation: { select: { channelId: true, contactId: true } },
      },
    });
  }

  private async deliverHead(head: Head, channels: Map<string, WhatsappChannel | null>): Promise<HeadOutcome> {
    const { channelId, contactId } = head.conversation;
    if (!channels.has(channelId)) channels.set(channelId, await this.channels.whatsapp(channelId));
    const channel = channels.get(channelId);
    const to = await this.phoneOf(contactId);
    if (!channel?.enabled || !to) {
      const reason = !channel ? 'channel_not_configured' : !channel.enabled ? 'channel_disabled' : 'no_phone';
      await this.markFailed(head, { reason, attempts: 0 });
      return 'next';
    }

    const env = this.config.env;
    const member = `${head.id}:${randomUUID()}`;
    const slot = await this.limiter.slide(
      windowName(contactId),
      env.CHANNEL_RATE_WINDOW_SECONDS * 1000,
      env.CHANNEL_OUTBOUND_PER_RECIPIENT,
      member,
    );
    if (!slot.allowed) {
      await this.limiter.lock(gateName(contactId), slot.retryAfterMs);
      return { waitMs: slot.retryAfterMs };
    }

    const result = await this.api.sendText(
      channel.config.phoneNumberId,
      channel.secrets.accessToken,
      to,
      head.body,
    );
    if (result.ok) {
      await this.markSent(head, result.externalId);
      await this.limiter.reset(attemptsName(head.id));
      return 'next';
    }
    // Nothing reached the customer, so the attempt does not count against their window.
    await this.limiter.unslide(windowName(contactId), member);
    const { count: attempts } = await this.limiter.hit(attemptsName(head.id), 86_400_000);
    if (!result.retryable || attempts >= MAX_SEND_ATTEMPTS) {
      await this.markFailed(head, { ...result.error, attempts });
      await this.limiter.reset(attemptsName(head.id));
      return 'next';
    }
    const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
    this.logger.warn(
      {
        messageId: head.id,
        attempts,
        status: result.error.status,
        providerCode: result.error.providerCode,
        backoff,
      },
      'whatsapp send failed; retrying after a backoff',
    );
    await this.limiter.lock(gateName(contactId), backoff);
    return { waitMs: backoff };
  }

  /** The WhatsApp number to send to (digits only), decrypted just for the call. */
  private async phoneOf(contactId: string): Promise<string | null> {
    const phone = await this.contacts.phoneOf(contactId);
    return phone === null ? null : phone.replace(/^\+/, '');
  }

  private async markSent(head: Head, externalId: string | null): Promise<void> {
    await this.settle(head, 'sent', { externalId });
  }

  private async markFailed(head: Head, error: Record<string, unknown>): Promise<void> {
    await this.settle(head, 'failed', {}, error);
    this.logger.warn({ messageId: head.id, error }, 'whatsapp message could not be delivered');
  }

  /**
   * pending → sent or failed, once (a message settled by another job meanwhile stays as it is),
   * audited, and told to staff after commit.
   */
  private async settle(
    head: Head,
    to: 'sent' | 'failed',
    fields: { externalId?: string | null },
    error?: Record<string, unknown>,
  ): Promise<void> {
    const settled = await this.prisma.$transaction(async (tx) => {
      const moved = await this.messageLog.moveDelivery(tx, head.id, 'pending', to, new Date(), fields);
      if (!moved) return false;
      await this.audit.record(tx, {
        action: 'message.delivery_updated',
        ...(error && { result: 'failed' as const }),
        actor: null,
        target: { type: 'conversation', id: head.conversationId },
        data: {
          messageId: head.id,
          seq: head.seq,
          from: 'pending',
          to,
          channel: 'whatsapp',
          ...(error && { error }),
        },
      });
      return true;
    });
    if (!settled) return;
    await this.events.publish({
      type: 'message.delivery_changed',
      conversationId: head.conversationId,
      messageId: head.id,
      seq: head.seq,
      deliveryStatus: to,
    });
  }
}
