import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../../common/errors/domain.error.js';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service.js';

const MINUTE = 60_000;

/**
 * Brute-force limits on everything that checks a secret. Every attempt is counted atomically
 * *before* the secret is checked, and a success takes its count back: so a burst of parallel
 * guesses cannot slip past the limit while earlier ones are still being checked, and a user who
 * types correctly is never slowed. Two mechanisms:
 * - windows: at most `limit` failed attempts per window per key (per IP, per session, per account);
 * - growing lockouts: past a threshold, a key is locked, twice as long for each further failure.
 * One IP's failures never slow another IP: the per-account lock is keyed by account and IP; the
 * account-wide one has a much higher threshold, against slow distributed guessing.
 */
const LIMITS = {
  loginPerIp: { limit: 10, windowMs: 15 * MINUTE },
  loginPerAccountIp: { threshold: 5, baseLockMs: 30_000, maxLockMs: 60 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  loginPerAccount: { threshold: 20, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  mfaPerSession: { limit: 5, windowMs: 5 * MINUTE },
  mfaPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  passwordChangePerAccount: { limit: 5, windowMs: 15 * MINUTE },
} as const;

interface Lockout {
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  memoryMs: number;
}

/** What a login attempt counted, so its outcome can settle the right keys. */
export interface LoginAttempt {
  ip: string;
  keys: { accountIp: string; account: string };
  counts: { accountIp: number; account: number };
}

// Keys never hold a raw email address.
const h = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

@Injectable()
export class AttemptLimitsService {
  constructor(private readonly limiter: RateLimiterService) {}

  /** Counts the attempt in each window; throws 429 (keeping the count) when one is over its limit. */
  private async enterWindows(...windows: { name: string; limit: number; windowMs: number }[]): Promise<void> {
    for (const window of windows) {
      const state = await this.limiter.hit(window.name, window.windowMs);
      if (state.count > window.limit) throw new RateLimitedError(state.retryAfterMs / 1000);
    }
  }

  private async assertUnlocked(name: string): Promise<void> {
    const ms = await this.limiter.lockedFor(name);
    if (ms > 0) throw new RateLimitedError(ms / 1000);
  }

  /** Counts the attempt towards a lockout and returns the count; past the threshold it is refused. */
  private async enterLockout(name: string, rule: Lockout): Promise<number> {
    await this.assertUnlocked(name);
    const { count } = await this.limiter.hit(name, rule.memoryMs);
    if (count > rule.threshold) {
      // Parallel attempts that got past the lock check before it was set.
      await this.lock(name, rule, count);
      throw new RateLimitedError(this.lockMs(rule, count) / 1000);
    }
    return count;
  }

  private lockMs(rule: Lockout, count: number): number {
    return Math.min(rule.baseLockMs * 2 ** (count - rule.threshold), rule.maxLockMs);
  }

  private async lock(name: string, rule: Lockout, count: number): Promise<void> {
    if (count >= rule.threshold) await this.limiter.lock(name, this.lockMs(rule, count));
  }

  /** Call before checking a password; throws 429 when this attempt must not even be checked. */
  async beginLogin(email: string, ip: string): Promise<LoginAttempt> {
    await this.enterWindows({ name: `login:ip:${ip}`, ...LIMITS.loginPerIp });
    const accountIp = `login:acct-ip:${h(email)}:${ip}`;
    const account = `login:acct:${h(email)}`;
    return {
      ip,
      keys: { accountIp, account },
      counts: {
        accountIp: await this.enterLockout(accountIp, LIMITS.loginPerAccountIp),
        account: await this.enterLockout(account, LIMITS.loginPerAccount),
      },
    };
  }

  /** The attempt failed: its counts stand, and from the threshold on the next attempt must wait. */
  async loginFailed(attempt: LoginAttempt): Promise<void> {
    await this.lock(attempt.keys.accountIp, LIMITS.loginPerAccountIp, attempt.counts.accountIp);
    await this.lock(attempt.keys.account, LIMITS.loginPerAccount, attempt.counts.account);
  }

  async loginSucceeded(attempt: LoginAttempt): Promise<void> {
    await this.limiter.undo(`login:ip:${attempt.ip}`);
    await this.limiter.reset(attempt.keys.accountIp, attempt.keys.account);
  }

  async beginMfa(sessionId: string, userId: string): Promise<void> {
    await this.enterWindows(
      { name: `mfa:session:${sessionId}`, ...LIMITS.mfaPerSession },
      { name: `mfa:user:${userId}`, ...LIMITS.mfaPerAccount },
    );
  }

  async mfaSucceeded(sessionId: string, userId: string): Promise<void> {
    await this.limiter.undo(`mfa:session:${sessionId}`);
    await this.limiter.undo(`mfa:user:${userId}`);
  }

  async beginPasswordChange(userId: string): Promise<void> {
    await this.enterWindows({ name: `password:user:${userId}`, ...LIMITS.passwordChangePerAccount });
  }

  async passwordChangeSucceeded(userId: string): Promise<void> {
    await this.limiter.undo(`password:user:${userId}`);
  }
}
