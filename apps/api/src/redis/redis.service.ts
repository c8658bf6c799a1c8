import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigService } from '../config/config.service.js';
import { describeUrl } from '../logging/logger.js';
import { LOGGER } from '../logging/logging.module.js';
import { redisKeys, type RedisKeys } from './redis-keys.js';

/**
 * Owns Redis connections. One shared connection serves commands and BullMQ producers; BullMQ
 * workers and subscribers get their own (blocking commands must not share a connection).
 *
 * The shared connection fails fast: a command gets no answer after `REDIS_COMMAND_TIMEOUT_MS`, and one
 * sent while Redis is unreachable fails at once instead of waiting in ioredis's offline queue (that
 * queue serves only the very first connection, before anything could have been answered anyway).
 * Requests then answer 503 (see `isRedisUnavailable`) rather than hang until Redis is back.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly connections: Redis[] = [];
  /** Connections that lost Redis and have not got it back: an outage is logged when the first goes. */
  private readonly down = new Set<string>();
  private readonly recoveryListeners: (() => void)[] = [];
  readonly client: Redis;
  /** The names of Baton's own keys under `REDIS_PREFIX`. */
  readonly keys: RedisKeys;

  constructor(
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.client = this.connect('shared', { commandTimeout: config.env.REDIS_COMMAND_TIMEOUT_MS });
    this.client.once('ready', () => {
      this.client.options.enableOfflineQueue = false;
    });
    this.keys = redisKeys(config.env.REDIS_PREFIX);
  }

  get prefix(): string {
    return this.config.env.REDIS_PREFIX;
  }

  /** A new connection; `maxRetriesPerRequest: null` is what BullMQ workers require. */
  connect(name: string, options: RedisOptions = {}): Redis {
    const connection = new Redis(this.config.env.REDIS_URL, {
      connectionName: `baton:${name}`,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      lazyConnect: false,
      ...options,
    });
    // An unhandled 'error' event would crash the process; ioredis repeats it on every reconnection attempt.
    connection.on('error', (err) => this.lost(name, err));
    connection.on('ready', () => this.back(name));
    this.connections.push(connection);
    return connection;
  }

  /** One line when Redis goes (not one per connection and retry), one when every connection has it back. */
  private lost(name: string, err: Error): void {
    const first = this.down.size === 0;
    this.down.add(name);
    if (first) {
      const { code } = err as NodeJS.ErrnoException;
      this.logger.error(
        { redis: describeUrl(this.config.env.REDIS_URL), connection: name, code, reason: err.message },
        'Redis unreachable',
      );
    }
  }

  private back(name: string): void {
    if (!this.down.delete(name) || this.down.size > 0) return;
    this.logger.info({ redis: describeUrl(this.config.env.REDIS_URL) }, 'Redis reachable again');
    for (const listener of this.recoveryListeners) listener();
  }

  /** Calls `listener` each time every connection has Redis back after an outage (it may be back empty). */
  onRecovered(listener: () => void): void {
    this.recoveryListeners.push(listener);
  }

  /** The last shutdown phase: everything that used the connection has stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.connections.map(async (connection) => {
        // quit() waits for the server's reply, which never comes on a connection that is not up.
        if (connection.status !== 'ready') return connection.disconnect();
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
      }),
    );
  }
}
