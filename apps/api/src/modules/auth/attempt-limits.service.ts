import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../../common/errors/domain.error.js';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service.js';
import { limitNames } from '../../redis/redis-keys.js';

const MINUTE = 60_000;

/**
 * Brute-force limits on everything that checks a secret. Every attempt is counted atomically
 * *before* the secret is checked, and a success takes its count back: so a burst of parallel
 * guesses cannot slip past the limit while earlier ones are still being checked, and a user who
 * types correctly is never slowed. Two mechanisms:
 * - windows: at most `limit` failed attempts per window per key (per IP, per device, per session, per account);
 * - growing lockouts: past a threshold, a key is locked, twice as long for each further failure.
 * Sign-in from a browser that carries a device cookie for the account (it signed in there before) is
 * limited per device only, so guessing from elsewhere can never lock the owner out. Unknown clients
 * get the per-IP window, a lock per account and IP, and an account-wide lock that only they wait out.
 */
const LIMITS = {
  loginPerIp: { limit: 10, windowMs: 15 * MINUTE },
  loginPerAccountIp: { threshold: 5, baseLockMs: 30_000, maxLockMs: 60 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  // Unknown clients only: slows distributed guessing without locking out the owner's own browser.
  loginPerAccount: { threshold: 20, baseLockMs: MINUTE, maxLockMs: 15 * MINUTE, memoryMs: 24 * 60 * MINUTE },
  loginPerDevice: { limit: 5, windowMs: 15 * MINUTE },
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
export type LoginAttempt =
  | { kind: 'known_device'; device: string }
  | {
      kind: 'unknown_client';
      ip: string;
      keys: { accountIp: string; account: string };
      counts: { accountIp: number; account: number };
    };

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

  /**
   * Call before checking a password; throws 429 when this attempt must not even be checked.
   * `deviceId` is set only when the request carries a genuine device cookie for this account.
   */
  async beginLogin(email: string, ip: string, deviceId: string | null): Promise<LoginAttempt> {
    if (deviceId) {
      const device = limitNames.loginDevice(deviceId);
      await this.enterWindows({ name: device, ...LIMITS.loginPerDevice });
      return { kind: 'known_device', device };
    }
    await this.enterWindows({ name: limitNames.loginIp(ip), ...LIMITS.loginPerIp });
    const accountIp = limitNames.loginAccountIp(h(email), ip);
    const account = limitNames.loginAccount(h(email));
    return {
      kind: 'unknown_client',
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
    if (attempt.kind === 'known_device') return;
    await this.lock(attempt.keys.accountIp, LIMITS.loginPerAccountIp, attempt.counts.accountIp);
    await this.lock(attempt.keys.account, LIMITS.loginPerAccount, attempt.counts.account);
  }

  /**
   * Takes back this attempt's counts. The account-wide count is only decremented, never reset: the
   * owner signing in must not hand a distributed guesser a fresh allowance.
   */
  async loginSucceeded(attempt: LoginAttempt): Promise<void> {
    if (attempt.kind === 'known_device') {
      await this.limiter.undo(attempt.device);
      return;
    }
    await this.limiter.undo(limitNames.loginIp(attempt.ip));
    await this.limiter.reset(attempt.keys.accountIp);
    await this.limiter.undo(attempt.keys.account);
  }

  async beginMfa(sessionId: string, userId: string): Promise<void> {
    await this.enterWindows(
      { name: limitNames.mfaSession(sessionId), ...LIMITS.mfaPerSession },
      { name: limitNames.mfaUser(userId), ...LIMITS.mfaPerAccount },
    );
  }

  async mfaSucceeded(sessionId: string, userId: string): Promise<void> {
    await this.limiter.undo(limitNames.mfaSession(sessionId));
    await this.limiter.undo(limitNames.mfaUser(userId));
  }

  async beginPasswordChange(userId: string): Promise<void> {
    await this.enterWindows({ name: limitNames.passwordChange(userId), ...LIMITS.passwordChangePerAccount });
  }

  async passwordChangeSucceeded(userId: string): Promise<void> {
    await this.limiter.undo(limitNames.passwordChange(userId));
  }
}
