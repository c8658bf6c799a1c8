import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommonErrorCode, RateLimitedError } from '../../common/errors/domain.error.js';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service.js';
import { ConfigService } from '../../config/config.service.js';
import { limitNames } from '../../redis/redis-keys.js';
import { AuditService } from '../audit/audit.service.js';
import type { Visitor } from '../conversations/customer-conversations.service.js';

const HOUR_MS = 3_600_000;

/**
 * Offices and mobile carriers put many visitors behind one address, so a per-IP limit is this many
 * times the per-visitor one: it stops one machine posing as many visitors, not a busy office.
 */
export const PER_IP_FACTOR = 4;

type LimitName =
  | 'new_visitors_per_ip'
  | 'messages_per_visitor'
  | 'messages_per_ip'
  | 'conversations_per_visitor'
  | 'conversations_per_ip';

interface Window {
  name: LimitName;
  /** Who is counted: `visitor:<contact id>` or `ip:<address>`. */
  subject: string;
  limit: number;
  windowMs: number;
}

/**
 * The web chat's traffic limits (security policy: per-IP and per-sender limits on messaging), in
 * sliding windows shared by every API instance. A refusal is a 429 / `rate_limited` with
 * `retryAfterSeconds`, and is audited as `message.throttled` (denied) with the limit that refused it.
 */
@Injectable()
export class WidgetLimitsService {
  constructor(
    private readonly limiter: RateLimiterService,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
  ) {}

  /** A browser without a token becomes a new visitor (a Contact): WIDGET_CONVERSATIONS_PER_HOUR per IP. */
  newVisitor(ip: string, channelId: string): Promise<void> {
    return this.admit(
      [
        {
          name: 'new_visitors_per_ip',
          subject: limitNames.widgetIp(ip),
          limit: this.config.env.WIDGET_CONVERSATIONS_PER_HOUR,
          windowMs: HOUR_MS,
        },
      ],
      { type: 'channel', id: channelId },
      'Too many new chats from this network. Please try again later.',
    );
  }

  /** One customer message: WIDGET_MESSAGES_PER_WINDOW per CHANNEL_RATE_WINDOW_SECONDS per visitor, more per IP. */
  message(visitor: Visitor, ip: string): Promise<void> {
    const { WIDGET_MESSAGES_PER_WINDOW: limit, CHANNEL_RATE_WINDOW_SECONDS: seconds } = this.config.env;
    return this.admit(
      [
        {
          name: 'messages_per_visitor',
          subject: limitNames.widgetVisitor(visitor.contactId),
          limit,
          windowMs: seconds * 1000,
        },
        {
          name: 'messages_per_ip',
          subject: limitNames.widgetIp(ip),
          limit: limit * PER_IP_FACTOR,
          windowMs: seconds * 1000,
        },
      ],
      { type: 'contact', id: visitor.contactId },
      'You are sending messages too fast. Please wait a moment.',
      { channelId: visitor.channelId },
    );
  }

  /** A customer message that would start a new conversation: WIDGET_CONVERSATIONS_PER_HOUR per visitor, more per IP. */
  newConversation(visitor: Visitor, ip: string): Promise<void> {
    const limit = this.config.env.WIDGET_CONVERSATIONS_PER_HOUR;
    return this.admit(
      [
        {
          name: 'conversations_per_visitor',
          subject: limitNames.widgetVisitor(visitor.contactId),
          limit,
          windowMs: HOUR_MS,
        },
        {
          name: 'conversations_per_ip',
          subject: limitNames.widgetIp(ip),
          limit: limit * PER_IP_FACTOR,
          windowMs: HOUR_MS,
        },
      ],
      { type: 'contact', id: visitor.contactId },
      'Too many new conversations. Please try again later.',
      { channelId: visitor.channelId },
    );
  }

  /** Admits the event in every window or in none: a window that already counted it gives the slot back. */
  private async admit(
    windows: Window[],
    target: { type: string; id: string },
    message: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const member = randomUUID();
    const admitted: string[] = [];
    for (const window of windows) {
      const key = limitNames.widget(window.name, window.subject);
      const state = await this.limiter.slide(key, window.windowMs, window.limit, member);
      if (state.allowed) {
        admitted.push(key);
        continue;
      }
      await Promise.all(admitted.map((k) => this.limiter.unslide(k, member)));
      const retryAfterSeconds = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
      await this.audit.recordNow({
        action: 'message.throttled',
        result: 'denied',
        target,
        data: {
          ...data,
          limit: window.name,
          max: window.limit,
          windowSeconds: window.windowMs / 1000,
          retryAfterSeconds,
        },
      });
      throw new RateLimitedError(retryAfterSeconds, message, CommonErrorCode.RateLimited);
    }
  }
}
