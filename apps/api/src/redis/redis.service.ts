import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigService } from '../config/config.service.js';
import { redisKeys, type RedisKeys } from './redis-keys.js';

/**
 * Owns Redis connections. One shared connection serves commands and BullMQ producers; BullMQ
 * workers and subscribers get their own (blocking commands must not share a connection).
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly connections: Redis[] = [];
  readonly client: Redis;
  /** The names of Baton's own keys under `REDIS_PREFIX`. */
  readonly keys: RedisKeys;

  constructor(private readonly config: ConfigService) {
    this.client = this.connect('shared');
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
    // Errors surface through readiness and failing commands; an unhandled 'error' event would crash the process.
    connection.on('error', () => undefined);
    this.connections.push(connection);
    return connection;
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
