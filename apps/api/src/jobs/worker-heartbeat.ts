import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import { RedisService } from '../redis/redis.service.js';

/** How often a worker says it is alive, and how long after its last word it counts as gone. */
export const WORKER_HEARTBEAT_MS = 2_000;
export const WORKER_HEARTBEAT_TTL_MS = 6_000;

// Scored by Redis's own clock, so workers and API instances on different machines agree on "when".
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], now)
return now
`;

const READ = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local alive = redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')
return {alive, redis.call('GET', KEYS[2]) or '', now}
`;

const FRESH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')
`;

/** The ids of the workers alive now; each starts with its host name (`host:pid:random`). */
export async function aliveWorkerIds(client: Redis, keys: RedisKeys): Promise<string[]> {
  return (await client.eval(FRESH, 1, keys.workers, WORKER_HEARTBEAT_TTL_MS)) as string[];
}

export interface WorkersSeen {
  /** Worker processes whose heartbeat is younger than {@link WORKER_HEARTBEAT_TTL_MS}. */
  alive: number;
  /** The last heartbeat of any worker; null when none was ever recorded under this prefix. */
  lastSeenAt: Date | null;
}

/** What the API knows of the worker processes: read from their heartbeats in Redis. */
export async function readWorkers(redis: RedisService): Promise<WorkersSeen> {
  const [alive, lastSeen] = (await redis.client.eval(
    READ,
    2,
    redis.keys.workers,
    redis.keys.workersLastSeen,
    WORKER_HEARTBEAT_TTL_MS,
  )) as [number, string, number];
  return { alive, lastSeenAt: lastSeen === '' ? null : new Date(Number(lastSeen)) };
}

/**
 * Runs in each worker process: a heartbeat in Redis every {@link WORKER_HEARTBEAT_MS}, so the API's
 * readiness, its metrics and the supervisor wall know whether any worker is alive. A worker that
 * stops cleanly takes its entry out at once; one that dies is forgotten when its heartbeat expires.
 */
@Injectable()
export class WorkerHeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  /** The beat in flight, awaited before leaving so it cannot put this worker back afterwards. */
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await (this.beating = this.beat());
    this.timer = setInterval(() => {
      this.beating = this.beat();
    }, WORKER_HEARTBEAT_MS);
  }

  private async beat(): Promise<void> {
    try {
      await this.redis.client.eval(
        BEAT,
        2,
        this.redis.keys.workers,
        this.redis.keys.workersLastSeen,
        this.id,
        WORKER_HEARTBEAT_TTL_MS,
      );
      if (this.failing) this.logger.info('worker heartbeat recorded again');
      this.failing = false;
    } catch (err) {
      // Once per outage: Redis being down is reported by every other part too.
      if (!this.failing) this.logger.warn({ err }, 'worker heartbeat not recorded');
      this.failing = true;
    }
  }

  /** The first shutdown phase: from now on this worker takes no new jobs, so it no longer counts. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.redis.client.zrem(this.redis.keys.workers, this.id).catch(() => undefined);
  }
}
