import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from './redis.service.js';

// Only the holder (same token) may release or extend: an expired holder never frees a successor's lock.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const POLL_MS = 20;

export interface MutexHandle {
  /** Renews the lease; false when it was lost (expired and maybe taken by someone else). */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

/** A lease-based lock in Redis, shared by every api and worker instance. Keys live under `REDIS_PREFIX:mutex:`. */
@Injectable()
export class RedisMutexService {
  constructor(private readonly redis: RedisService) {}

  /** Waits up to `waitMs` for the lock, polling; null when it stayed taken. */
  async acquire(name: string, leaseMs: number, waitMs: number): Promise<MutexHandle | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const handle = await this.tryAcquire(name, leaseMs);
      if (handle || Date.now() >= deadline) return handle;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async tryAcquire(name: string, leaseMs: number): Promise<MutexHandle | null> {
    const key = this.redis.keys.mutex(name);
    const token = randomUUID();
    const ok = await this.redis.client.set(key, token, 'PX', leaseMs, 'NX');
    if (ok !== 'OK') return null;
    return {
      extend: async () => (await this.redis.client.eval(EXTEND, 1, key, token, leaseMs)) === 1,
      release: async () => {
        await this.redis.client.eval(RELEASE, 1, key, token);
      },
    };
  }
}
