import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { derivedKeys, matchesAny } from '../../common/crypto/app-secret.js';
import { ConfigService } from '../../config/config.service.js';
import type { Visitor } from '../conversations/customer-conversations.service.js';

const LIFETIME_MS = 30 * 86_400_000;

/**
 * Signed visitor tokens for the customer side (the widget keeps one in the browser): a customer is
 * a contact of a channel, not an account. `v1.<payload>.<HMAC-SHA256>`, valid 30 days.
 */
@Injectable()
export class VisitorTokenService {
  /** The current key signs; a token signed before an APP_SECRET rotation verifies under the previous one. */
  private readonly keys: Buffer[];

  constructor(config: ConfigService) {
    // A key of its own, derived from APP_SECRET, so a token can never pass for anything else signed with it.
    this.keys = derivedKeys(config.env, 'baton:visitor-token');
  }

  private sign(payload: string, key = this.keys[0]!): string {
    return createHmac('sha256', key).update(payload).digest('base64url');
  }

  issue(visitor: Visitor, now = Date.now()): string {
    const payload = Buffer.from(
      JSON.stringify({ c: visitor.contactId, ch: visitor.channelId, exp: now + LIFETIME_MS }),
    ).toString('base64url');
    return `v1.${payload}.${this.sign(payload)}`;
  }

  /** The visitor a token names, or null when it is malformed, forged or expired. */
  verify(token: unknown, now = Date.now()): Visitor | null {
    if (typeof token !== 'string') return null;
    const [version, payload, signature] = token.split('.');
    if (version !== 'v1' || !payload || !signature) return null;
    if (
      !matchesAny(
        signature,
        this.keys.map((key) => this.sign(payload, key)),
      )
    )
      return null;
    try {
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        c?: unknown;
        ch?: unknown;
        exp?: unknown;
      };
      if (typeof body.c !== 'string' || typeof body.ch !== 'string' || typeof body.exp !== 'number')
        return null;
      if (body.exp <= now) return null;
      return { contactId: body.c, channelId: body.ch };
    } catch {
      return null;
    }
  }
}
