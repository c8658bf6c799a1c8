import { Injectable } from '@nestjs/common';
import { RedisService } from '../../redis/redis.service.js';

// INCR and set the window's expiry on the first hit, atomically; returns [count, ms left].
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}
`;

const UNDO = `
if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

// Sliding window over a sorted set scored by Redis's own clock (one clock for every instance): drop
// entries older than the window, then admit and record this event only if fewer than the limit remain.
// Returns [admitted, count, ms until the oldest entry leaves the window].
const SLIDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, count + 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, tonumber(oldest[2]) + window - now}
`;

export interface SlidingWindowState {
  allowed: boolean;
  /** Events in the window, this one included when allowed. */
  count: number;
  /** When refused: ms until a slot frees up. */
  retryAfterMs: number;
}

export interface WindowState {
  count: number;
  retryAfterMs: number;
}

/**
 * Fixed-window counters and lockouts in Redis, so every API instance sees the same numbers.
 * Keys live under `REDIS_PREFIX:rl:`.
 */
@Injectable()
export class RateLimiterService {
  constructor(private readonly redis: RedisService) {}

  /** Counts one event in the window and returns the new count. */
  async hit(name: string, windowMs: number): Promise<WindowState> {
    const [count, ttl] = (await this.redis.client.eval(
      HIT,
      1,
      this.redis.keys.rateLimit(name),
      windowMs,
    )) as [number, number];
    return { count, retryAfterMs: Math.max(ttl, 0) };
  }

  /**
   * A true sliding window: admits the event (recorded as `member`, which must be unique) only if fewer
   * than `limit` were admitted in the last `windowMs`. Unlike {@link hit}, no burst at a window edge.
   */
  async slide(name: string, windowMs: number, limit: number, member: string): Promise<SlidingWindowState> {
    const [allowed, count, retryAfterMs] = (await this.redis.client.eval(
      SLIDE,
      1,
      this.redis.keys.slidingWindow(name),
      windowMs,
      limit,
      member,
    )) as [number, number, number];
    return { allowed: allowed === 1, count, retryAfterMs: allowed === 1 ? 0 : Math.max(retryAfterMs, 1) };
  }

  /** Takes an admitted event back out of a sliding window (the action it paid for did not happen). */
  async unslide(name: string, member: string): Promise<void> {
    await this.redis.client.zrem(this.redis.keys.slidingWindow(name), member);
  }

  /** Takes back one hit (an attempt that turned out fine); never goes below zero or revives an expired window. */
  async undo(name: string): Promise<void> {
    await this.redis.client.eval(UNDO, 1, this.redis.keys.rateLimit(name));
  }

  async reset(...names: string[]): Promise<void> {
    if (names.length > 0) await this.redis.client.del(...names.map((n) => this.redis.keys.rateLimit(n)));
  }

  /** Blocks `name` for `ms`. */
  async lock(name: string, ms: number): Promise<void> {
    await this.redis.client.set(this.redis.keys.rateLimitLock(name), '1', 'PX', Math.max(1, Math.round(ms)));
  }

  /** Milliseconds until the lock on `name` lifts; 0 when not locked. */
  async lockedFor(name: string): Promise<number> {
    return Math.max(await this.redis.client.pttl(this.redis.keys.rateLimitLock(name)), 0);
  }
}
