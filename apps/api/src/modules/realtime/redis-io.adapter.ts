import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defer, filter, type Observable } from 'rxjs';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import { ConfigService } from '../../config/config.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { redisKeys } from '../../redis/redis-keys.js';

/** Commands the Redis adapter sends without waiting for the answer. */
const UNAWAITED = ['ssubscribe', 'sunsubscribe', 'spublish'] as const;

/** Failures that only say Redis is out of reach; they end when it is back, or the app closes. */
const UNREACHABLE =
  /^(Connection is closed\.|Reached the max retries per request limit|Stream isn't writeable)/;

type AdapterFactory = ReturnType<typeof createShardedAdapter>;
type Adapter = ReturnType<AdapterFactory>;

/**
 * socket.io over Redis sharded pub/sub: a room emit or `fetchSockets()` on one API instance reaches
 * the sockets of every instance. Each room has its own channel (`<REDIS_PREFIX>:socket.io#<nsp>#<room>#`),
 * which only the instances holding a socket in that room subscribe to, so an instance reads the
 * broadcasts its sockets need and no other: adding instances adds capacity. Server-to-server messages
 * (`serverSideEmit`, `disconnectSockets` without a single room, …) use the namespace's own channel,
 * which every instance reads. The adapter owns its two Redis connections and closes them after the
 * socket server, so shutdown never trips over a closed one.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly connections: Redis[] = [];

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { env } = this.app.get(ConfigService);
    const logger = this.app.get<Logger>(LOGGER);
    const server = super.createIOServer(port, {
      ...options,
      // The SPA and widget are served by this same origin; cross-origin browsers are refused at the handshake.
      cors: { origin: false },
      serveClient: false,
    } as ServerOptions) as Server;
    const [pub, sub] = ['pub', 'sub'].map((role) => {
      const connection = new Redis(env.REDIS_URL, { connectionName: `baton:socket.io:${role}` });
      connection.on('error', () => undefined);
      handleUnawaitedRejections(connection, role, logger);
      this.connections.push(connection);
      return connection;
    });
    server.adapter(
      oneRoomPerBroadcast(
        createShardedAdapter(pub!, sub!, {
          channelPrefix: redisKeys(env.REDIS_PREFIX).socketIo,
          subscriptionMode: 'dynamic',
        }),
      ),
    );
    return server;
  }

  /**
   * What Nest's adapter does, without its chain of RxJS subscribers per handler and socket (about a
   * hundred closures per idle socket): one plain listener per handler, and an answer's stream made
   * only when an event arrives. A handler's result acknowledges the event (or is emitted, when it
   * names an `event`); a failure its exception filter let through is logged.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(String(message), (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length <= 1 ? args[0] : args);
        defer(() => transform(callback(data, ack)))
          .pipe(filter((response) => response !== undefined && response !== null))
          .subscribe({
            next: (response) => {
              const { event, data: payload } = response as { event?: string; data?: unknown };
              if (event) socket.emit(event, payload);
              else if (!isAckHandledManually && typeof ack === 'function') ack(response);
            },
            error: (err: unknown) => this.logger.error(err),
          });
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const connection of this.connections.splice(0)) connection.disconnect();
  }
}

/**
 * The sharded adapter puts a broadcast to one room on that room's channel, but a broadcast to several
 * rooms on the namespace's channel, which every instance reads. Such a broadcast goes out once per
 * room instead, each time except the rooms before it, so a socket in several of them still gets it once.
 */
function oneRoomPerBroadcast(factory: AdapterFactory): (nsp: Namespace) => Adapter {
  // socket.io calls it with `new`, so not an arrow function; like the factory, it returns the adapter.
  return function (nsp: Namespace) {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = async (packet, opts) => {
      if (opts.rooms.size < 2 || opts.flags?.local) return broadcast(packet, opts);
      const before = new Set(opts.except);
      const sent: Promise<void>[] = [];
      for (const room of opts.rooms) {
        sent.push(broadcast(packet, { ...opts, rooms: new Set([room]), except: new Set(before) }));
        before.add(room);
      }
      await Promise.all(sent);
    };
    return adapter;
  };
}

/**
 * The adapter subscribes, unsubscribes and publishes without handling a rejection, so with Redis
 * out of reach (or its connection closed at shutdown) each of them would be an unhandled rejection
 * that can end the process. They are observed here: Redis being out of reach is logged once per
 * outage, as a warning (readiness reports it too); any other failure is logged as an error every
 * time. A caller that awaits the command still gets the rejection.
 */
export function handleUnawaitedRejections(connection: Redis, role: string, logger: Logger): void {
  let warned = false;
  connection.on('ready', () => (warned = false));
  const observe = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!UNREACHABLE.test(message)) {
      logger.error({ err: error, connection: role }, 'socket.io Redis adapter command failed');
    } else if (!warned) {
      warned = true;
      logger.warn({ reason: message, connection: role }, 'socket.io Redis adapter cannot reach Redis');
    }
  };
  const commands = connection as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of UNAWAITED) {
    const command = commands[name]!.bind(connection);
    commands[name] = (...args: unknown[]) => {
      const result = command(...args);
      if (result instanceof Promise) result.catch(observe);
      return result;
    };
  }
}
