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

  private key(name: string): string {
    return `${this.redis.prefix}:rl:${name}`;
  }

  /** Counts one event in the window and returns the new count. */
  async hit(name: string, windowMs: number): Promise<WindowState> {
    const [count, ttl] = (await this.redis.client.eval(HIT, 1, this.key(name), windowMs)) as [number, number];
    return { count, retryAfterMs: Math.max(ttl, 0) };
  }

  /** Takes back one hit (an attempt that turned out fine); never goes below zero or revives an expired window. */
  async undo(name: string): Promise<void> {
    await this.redis.client.eval(UNDO, 1, this.key(name));
  }

  async reset(...names: string[]): Promise<void> {
    if (names.length > 0) await this.redis.client.del(...names.map((n) => this.key(n)));
  }

  /** Blocks `name` for `ms`. */
  async lock(name: string, ms: number): Promise<void> {
    await this.redis.client.set(this.key(`lock:${name}`), '1', 'PX', Math.max(1, Math.round(ms)));
  }

  /** Milliseconds until the lock on `name` lifts; 0 when not locked. */
  async lockedFor(name: string): Promise<number> {
    return Math.max(await this.redis.client.pttl(this.key(`lock:${name}`)), 0);
  }
}
