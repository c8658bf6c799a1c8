import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { ConfigService } from '../../config/config.service.js';
import { redisKeys } from '../../redis/redis-keys.js';

/**
 * socket.io over the Redis adapter: a room emit or `fetchSockets()` on one API instance reaches the
 * sockets of every instance. Channels live under `REDIS_PREFIX`. The adapter owns its two Redis
 * connections and closes them after the socket server, so shutdown never trips over a closed one.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly connections: Redis[] = [];

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { env } = this.app.get(ConfigService);
    const server = super.createIOServer(port, {
      ...options,
      // The SPA and widget are served by this same origin; cross-origin browsers are refused at the handshake.
      cors: { origin: false },
      serveClient: false,
    } as ServerOptions) as Server;
    const [pub, sub] = ['pub', 'sub'].map((role) => {
      const connection = new Redis(env.REDIS_URL, { connectionName: `baton:socket.io:${role}` });
      connection.on('error', () => undefined);
      this.connections.push(connection);
      return connection;
    });
    server.adapter(createAdapter(pub!, sub!, { key: redisKeys(env.REDIS_PREFIX).socketIo }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const connection of this.connections.splice(0)) connection.disconnect();
  }
}
