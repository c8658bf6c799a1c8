import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../../common/errors/domain.error.js';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service.js';

const MINUTE = 60_000;

/**
 * Brute-force limits on everything that checks a secret. Two mechanisms:
 * - windows: at most `limit` failures per window per key (per IP, per session, per account);
 * - growing lockouts: past a threshold, each further failure locks the key for twice as long.
 * Only failures count, so a user who types correctly is never slowed, and one IP's failures never
 * slow another IP (the per-account lock is keyed by account and IP; the account-wide one has a much
 * higher threshold, against slow distributed guessing).
 */
export const LIMITS = {
  loginPerIp: { limit: 10, windowMs: 15 * MINUTE },
  loginPerAccountIp: { threshold: 5, baseLockMs: 30_000, maxLockMs: 60 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  loginPerAccount: { threshold: 20, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  mfaPerSession: { limit: 5, windowMs: 5 * MINUTE },
  mfaPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  passwordChangePerAccount: { limit: 5, windowMs: 15 * MINUTE },
} as const;

// Keys never hold a raw email address.
const h = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

@Injectable()
export class AttemptLimitsService {
  constructor(private readonly limiter: RateLimiterService) {}

  private async assertWindow(name: string, limit: number): Promise<void> {
    const state = await this.limiter.peek(name);
    if (state.count >= limit) throw new RateLimitedError(state.retryAfterMs / 1000);
  }

  private async assertUnlocked(name: string): Promise<void> {
    const ms = await this.limiter.lockedFor(name);
    if (ms > 0) throw new RateLimitedError(ms / 1000);
  }

  private async growLock(
    name: string,
    rule: { threshold: number; baseLockMs: number; maxLockMs: number; memoryMs: number },
  ): Promise<void> {
    const { count } = await this.limiter.hit(name, rule.memoryMs);
    if (count >= rule.threshold) {
      const ms = Math.min(rule.baseLockMs * 2 ** (count - rule.threshold), rule.maxLockMs);
      await this.limiter.lock(name, ms);
    }
  }

  /** Throws 429 when this login attempt must not even be checked. */
  async assertLoginAllowed(email: string, ip: string): Promise<void> {
    await this.assertWindow(`login:ip:${ip}`, LIMITS.loginPerIp.limit);
    await this.assertUnlocked(`login:acct-ip:${h(email)}:${ip}`);
    await this.assertUnlocked(`login:acct:${h(email)}`);
  }

  async loginFailed(email: string, ip: string): Promise<void> {
    await this.limiter.hit(`login:ip:${ip}`, LIMITS.loginPerIp.windowMs);
    await this.growLock(`login:acct-ip:${h(email)}:${ip}`, LIMITS.loginPerAccountIp);
    await this.growLock(`login:acct:${h(email)}`, LIMITS.loginPerAccount);
  }

  async loginSucceeded(email: string, ip: string): Promise<void> {
    await this.limiter.reset(`login:acct-ip:${h(email)}:${ip}`, `login:acct:${h(email)}`);
  }

  async assertMfaAllowed(sessionId: string, userId: string): Promise<void> {
    await this.assertWindow(`mfa:session:${sessionId}`, LIMITS.mfaPerSession.limit);
    await this.assertWindow(`mfa:user:${userId}`, LIMITS.mfaPerAccount.limit);
  }

  async mfaFailed(sessionId: string, userId: string): Promise<void> {
    await this.limiter.hit(`mfa:session:${sessionId}`, LIMITS.mfaPerSession.windowMs);
    await this.limiter.hit(`mfa:user:${userId}`, LIMITS.mfaPerAccount.windowMs);
  }

  async assertPasswordChangeAllowed(userId: string): Promise<void> {
    await this.assertWindow(`password:user:${userId}`, LIMITS.passwordChangePerAccount.limit);
  }

  async passwordChangeFailed(userId: string): Promise<void> {
    await this.limiter.hit(`password:user:${userId}`, LIMITS.passwordChangePerAccount.windowMs);
  }
}
