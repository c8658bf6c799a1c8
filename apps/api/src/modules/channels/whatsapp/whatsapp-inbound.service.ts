import { ChannelsErrorCode } from '@baton/contracts';
import { normalizePhone, phoneIndex as indexPhone } from '../../../common/crypto/contact-indexes.js';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { DataEncryptionService } from '../../../common/crypto/data-encryption.service.js';
import { CommonErrorCode, DomainError } from '../../../common/errors/domain.error.js';
import { RateLimiterService } from '../../../common/rate-limit/rate-limiter.service.js';
import { ConfigService } from '../../../config/config.service.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { PrismaService } from '../../../prisma/prisma.service.js';
import { RedisService } from '../../../redis/redis.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { ContactsService } from '../../contacts/contacts.service.js';
import { ConversationTransitions } from '../../conversations/conversation-transitions.service.js';
import { CustomerConversationsService } from '../../conversations/customer-conversations.service.js';
import { MessageLog } from '../../conversations/message-log.service.js';
import { DomainEventsService, type DomainEvent } from '../../events/domain-events.service.js';
import { ChannelsService, type WhatsappChannel } from '../channels.service.js';
import { limitNames } from '../../../redis/redis-keys.js';
import { RedisMutexService } from '../../../redis/redis-mutex.service.js';
import {
  ZWhatsappChange,
  ZWhatsappInboundMessage,
  ZWhatsappStatus,
  ZWhatsappWebhook,
  inboundBody,
  type WhatsappInboundMessage,
  type WhatsappStatus,
  type WhatsappVerifyQuery,
} from './whatsapp-payload.schemas.js';

export const THROTTLE_NOTICE =
  "You're sending messages faster than we can read them — please wait a few seconds and try again.";

/** Long enough for one message's database work; a crashed holder frees it by itself. */
const INBOUND_LEASE_MS = 60_000;
/** How long a delivery waits for another one of the same sender before giving up (the provider retries). */
const INBOUND_WAIT_MS = 15_000;

/** Delivery states only ever move forward: a late `delivered` never hides a `read`. */
const RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

type Outcome = 'stored' | 'duplicate' | 'throttled';

const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest();

/** Equal-length digests, so neither the length nor the content of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * The inbound side of WhatsApp: the provider's subscription check, signed deliveries of customer
 * messages (deduplicated, rate-limited per sender) and delivery statuses of what we sent.
 */
@Injectable()
export class WhatsappInboundService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly customers: CustomerConversationsService,
    private readonly transitions: ConversationTransitions,
    private readonly messageLog: MessageLog,
    private readonly contacts: ContactsService,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly crypto: DataEncryptionService,
    private readonly limiter: RateLimiterService,
    private readonly mutex: RedisMutexService,
    private readonly redis: RedisService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A disabled channel takes nothing in, and answers like one that does not exist. */
  private async channel(channelId: string): Promise<WhatsappChannel> {
    const channel = await this.channels.whatsapp(channelId);
    if (!channel?.enabled) throw new DomainError(CommonErrorCode.NotFound, 'No such channel.', 404);
    return channel;
  }

  private async rejected(channelId: string, check: 'verify_token' | 'signature', reason: string) {
    await this.audit.recordNow({
      action: 'channel.signature_rejected',
      result: 'denied',
      actor: null,
      target: { type: 'channel', id: channelId },
      data: { check, reason },
    });
  }

  /** `GET …/webhook`: the provider proves it knows the verify token; we echo its challenge. */
  async verify(channelId: string, query: WhatsappVerifyQuery): Promise<string> {
    const channel = await this.channel(channelId);
    const challenge = query['hub.challenge'] ?? '';
    const reason =
      query['hub.mode'] !== 'subscribe'
        ? 'mode'
        : !sameSecret(query['hub.verify_token'] ?? '', channel.secrets.verifyToken)
          ? 'verify_token_mismatch'
          : // Echoed back verbatim: only a plain token, never markup.
            !/^[A-Za-z0-9._-]{1,256}$/.test(challenge)
            ? 'challenge'
            : null;
    if (reason) {
      await this.rejected(channelId, 'verify_token', reason);
      throw new DomainError(ChannelsErrorCode.VerificationFailed, 'Webhook verification failed.', 403);
    }
    return challenge;
  }

  /**
   * `POST …/webhook`: checks `X-Hub-Signature-256` over the exact bytes received, then takes in every
   * message and status. Anything that fails to store makes the answer a 500, so the provider delivers
   * the payload again; what was already stored is recognised as a duplicate then.
   */
  async receive(
    channelId: string,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    body: unknown,
  ): Promise<{ messages: number; statuses: number }> {
    const channel = await this.channel(channelId);
    const given = /^sha256=([0-9a-f]{64})$/i.exec(signature ?? '')?.[1];
    const reason = !signature
      ? 'missing'
      : !given
        ? 'malformed'
        : !rawBody
          ? 'no_body'
          : !timingSafeEqual(
                Buffer.from(given, 'hex'),
                createHmac('sha256', channel.secrets.appSecret).update(rawBody).digest(),
              )
            ? 'mismatch'
            : null;
    if (reason) {
      await this.rejected(channelId, 'signature', reason);
      throw new DomainError(
        ChannelsErrorCode.BadSignature,
        'The webhook signature is missing or wrong.',
        401,
      );
    }

    const envelope = ZWhatsappWebhook.safeParse(body);
    if (!envelope.success) {
      // Signed by the provider but not a shape we know: another delivery would not fare better.
      this.logger.warn({ channelId }, 'whatsapp webhook payload not understood; ignored');
      return { messages: 0, statuses: 0 };
    }
    let failure: unknown = null;
    const counts = { messages: 0, statuses: 0 };
    for (const entry of envelope.data.entry) {
      for (const change of entry.changes) {
        const value = ZWhatsappChange.safeParse(change.value);
        if (!value.success) continue; // other webhook fields (account updates, templates, ...)
        if (value.data.metadata.phone_number_id !== channel.config.phoneNumberId) {
          this.logger.warn({ channelId }, 'whatsapp webhook for another phone number id; ignored');
          continue;
        }
        const names = new Map(value.data.contacts.map((c) => [c.wa_id, c.profile?.name]));
        for (const item of value.data.messages) {
          const message = ZWhatsappInboundMessage.safeParse(item);
          if (!message.success) {
            this.logger.warn({ channelId }, 'whatsapp message not understood; ignored');
            continue;
          }
          try {
            await this.takeIn(channel, message.data, names.get(message.data.from));
            counts.messages += 1;
          } catch (err) {
            failure = err;
            this.logger.error({ err, channelId }, 'storing a whatsapp message failed');
          }
        }
        for (const item of value.data.statuses) {
          const status = ZWhatsappStatus.safeParse(item);
          if (!status.success) continue;
          try {
            await this.recordStatus(channel, status.data);
            counts.statuses += 1;
          } catch (err) {
            failure = err;
            this.logger.error({ err, channelId }, 'recording a whatsapp status failed');
          }
        }
      }
    }
    if (failure) throw failure;
    return counts;
  }

  /**
   * One inbound message, exactly once. `CustomerConversationsService.send` runs its own transaction,
   * so the receipt cannot share it; instead:
   * - a Redis lease per sender serialises everything one sender's deliveries do, across instances: the
   *   provider delivers messages (and duplicates) concurrently, and two first messages at once would
   *   otherwise each start a conversation. A duplicate waits for the first copy and then sees its receipt
   *   (if the first copy failed, the duplicate stores it instead);
   * - a stored receipt makes later deliveries duplicates;
   * - the receipt is written only after the message is stored, and `send` is idempotent on the
   *   `clientMessageId` derived from the provider id, so a crash in between costs neither the message
   *   nor a second copy when the provider delivers again.
   */
  private async takeIn(
    channel: WhatsappChannel,
    message: WhatsappInboundMessage,
    profileName: string | undefined,
  ): Promise<Outcome> {
    const phone = normalizePhone(message.from);
    const phoneIndex = indexPhone(this.crypto, phone);
    const lease = await this.mutex.acquire(
      limitNames.whatsappInbound(channel.id, phoneIndex),
      INBOUND_LEASE_MS,
      INBOUND_WAIT_MS,
    );
    if (!lease) {
      throw new DomainError(CommonErrorCode.ServiceUnavailable, 'Busy with this sender; deliver again.', 503);
    }
    try {
      const seen = await this.prisma.inboundReceipt.findUnique({
        where: { channelId_providerMessageId: { channelId: channel.id, providerMessageId: message.id } },
      });
      if (seen) return 'duplicate';
      const contactId = await this.contact(channel.id, phone, phoneIndex, profileName);

      const env = this.config.env;
      const windowName = limitNames.whatsappInbound(channel.id, contactId);
      const member = randomUUID();
      const slot = await this.limiter.slide(
        windowName,
        env.CHANNEL_RATE_WINDOW_SECONDS * 1000,
        env.CHANNEL_INBOUND_PER_SENDER,
        member,
      );
      if (!slot.allowed) {
        await this.throttle(channel.id, contactId, message.id);
        return 'throttled';
      }
      try {
        await this.customers.send(
          { contactId, channelId: channel.id },
          // Provider ids can outgrow the 64 characters a client message id may have; a digest never does.
          {
            body: inboundBody(message),
            clientMessageId: `wa-${createHash('sha256').update(message.id).digest('base64url')}`,
          },
          { externalId: message.id },
        );
      } catch (err) {
        await this.limiter.unslide(windowName, member); // not taken in, so not counted against the sender
        throw err;
      }
      await this.prisma.inboundReceipt.createMany({
        data: [{ channelId: channel.id, providerMessageId: message.id }],
        skipDuplicates: true,
      });
      return 'stored';
    } finally {
      await lease.release();
    }
  }

  /**
   * The contact for a WhatsApp number, created on first contact. The number and name are stored
   * encrypted; the channel-side identity is a blind index of the number, so lookups need no plaintext.
   */
  private async contact(
    channelId: string,
    phone: string,
    index: string,
    profileName: string | undefined,
  ): Promise<string> {
    const name = profileName?.trim().slice(0, 200);
    return this.prisma.$transaction((tx) =>
      this.contacts.findOrCreate(tx, {
        channelId,
        externalId: index,
        identity: { phone, name },
        audit: { channel: 'whatsapp' },
        bySystem: true,
      }),
    );
  }

  /**
   * Over the sender's limit: the message is not stored, the refusal is audited, and once per window
   * the sender is told (as a system line in their conversation, so it goes out like any reply).
   */
  private async throttle(channelId: string, contactId: string, providerMessageId: string): Promise<void> {
    const env = this.config.env;
    const windowMs = env.CHANNEL_RATE_WINDOW_SECONDS * 1000;
    const firstInWindow =
      (await this.redis.client.set(
        this.redis.keys.whatsappThrottleNotice(contactId),
        '1',
        'PX',
        windowMs,
        'NX',
      )) === 'OK';
    const events = await this.prisma.$transaction(async (tx): Promise<DomainEvent[]> => {
      await tx.inboundReceipt.createMany({ data: [{ channelId, providerMessageId }], skipDuplicates: true });
      await this.audit.record(tx, {
        action: 'message.throttled',
        result: 'denied',
        actor: null,
        target: { type: 'contact', id: contactId },
        data: {
          channelId,
          providerMessageId,
          limit: env.CHANNEL_INBOUND_PER_SENDER,
          windowSeconds: env.CHANNEL_RATE_WINDOW_SECONDS,
          noticeSent: firstInWindow,
        },
      });
      if (!firstInWindow) return [];
      const latest = await tx.conversation.findFirst({
        where: { contactId },
        orderBy: { createdAt: 'desc' },
        select: { id: true },
      });
      if (!latest) return [];
      await this.transitions.lock(tx, latest.id);
      return this.transitions.postAutomated(tx, latest.id, THROTTLE_NOTICE, 'system', {
        reason: 'inbound_throttled',
      });
    });
    await this.events.publish(...events);
  }

  /** A delivery status of one of our messages; repeated or out-of-order statuses change nothing. */
  private async recordStatus(channel: WhatsappChannel, status: WhatsappStatus): Promise<void> {
    const to = status.status;
    if (to !== 'sent' && to !== 'delivered' && to !== 'read' && to !== 'failed') return;
    const seconds = Number(status.timestamp);
    const at = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
    const problem = status.errors?.[0];
    // `providerCode`, not `code`: the audit trail redacts keys named like one-time codes.
    const error = problem && {
      providerCode: problem.code ?? null,
      title: (problem.title ?? problem.message ?? '').slice(0, 200),
      details: (problem.error_data?.details ?? '').slice(0, 300),
    };
    const changed = await this.prisma.$transaction(async (tx): Promise<DomainEvent | null> => {
      const message = await tx.message.findFirst({
        where: { externalId: status.id, conversation: { channelId: channel.id } },
        select: { id: true, conversationId: true, seq: true, deliveryStatus: true },
      });
      if (!message) return null; // not ours (or sent before this channel existed)
      const from = message.deliveryStatus;
      const forward =
        from !== 'failed' &&
        from !== 'read' &&
        (to === 'failed' || (RANK[to] ?? 0) > (from === null ? -1 : (RANK[from] ?? -1)));
      if (!forward) return null;
      const moved = await this.messageLog.moveDelivery(tx, message.id, from, to, at);
      if (!moved) return null; // moved meanwhile; a redelivered status settles it
      await this.audit.record(tx, {
        action: 'message.delivery_updated',
        result: to === 'failed' ? 'failed' : 'success',
        actor: null,
        target: { type: 'conversation', id: message.conversationId },
        data: {
          messageId: message.id,
          seq: message.seq,
          from,
          to,
          channel: 'whatsapp',
          ...(error && { error }),
        },
      });
      return {
        type: 'message.delivery_changed',
        conversationId: message.conversationId,
        messageId: message.id,
        seq: message.seq,
        deliveryStatus: to,
      };
    });
    if (changed) await this.events.publish(changed);
  }
}
