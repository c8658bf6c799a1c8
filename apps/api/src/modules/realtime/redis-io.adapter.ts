import { AgentServerEvent, CustomerServerEvent, type RealtimeResumed } from '@baton/contracts';
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
import { DroppedEventsService } from './dropped-events.service.js';

/** Commands the Redis adapter sends without waiting for the answer. */
const UNAWAITED = ['ssubscribe', 'sunsubscribe', 'spublish'] as const;

/** Failures that only say Redis is out of reach; they end when it is back, or the app closes. */
const UNREACHABLE =
  /^(Connection is closed\.|Reached the max retries per request limit|Stream isn't writeable)/;

/** The namespaces whose sockets are told when live delivery resumes (the same event name on both). */
const RESUMED: Record<'/agent' | '/customer', typeof AgentServerEvent.RealtimeResumed> = {
  '/agent': AgentServerEvent.RealtimeResumed,
  '/customer': CustomerServerEvent.RealtimeResumed,
};

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
 *
 * Pub/sub keeps nothing for a subscriber that is away: a broadcast published while this instance's
 * subscriber reconnects is lost, and one this instance could not publish is dropped (counted in
 * `DroppedEventsService`). Once ioredis has subscribed to every room again, the instance tells its
 * own sockets (`realtime.resumed`) to back-fill by `seq` what they may have missed.
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
    const channelPrefix = redisKeys(env.REDIS_PREFIX).socketIo;
    const dropped = this.app.get(DroppedEventsService);
    const connect = (role: 'pub' | 'sub') => {
      const connection = new Redis(env.REDIS_URL, { connectionName: `baton:socket.io:${role}` });
      connection.on('error', () => undefined);
      handleUnawaitedRejections(connection, role, logger, (channel, error) =>
        dropped.record(namespaceOf(channel, channelPrefix), error),
      );
      this.connections.push(connection);
      return connection;
    };
    const pub = connect('pub');
    const sub = connect('sub');
    server.adapter(
      oneRoomPerBroadcast(createShardedAdapter(pub, sub, { channelPrefix, subscriptionMode: 'dynamic' })),
    );
    announceResumption(sub, server);
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

/** `/agent` from `<prefix>#/agent#<room>#`. */
function namespaceOf(channel: string, channelPrefix: string): string {
  return channel.slice(channelPrefix.length + 1).split('#', 1)[0] ?? '';
}

/**
 * After the subscriber reconnects (not at the first connection), once ioredis has subscribed to
 * every room's channel again (a PING answered after those subscriptions), this instance's sockets
 * are told that live delivery resumed: what was published meanwhile never reached them.
 */
function announceResumption(sub: Redis, server: Server): void {
  let connectedBefore = false;
  sub.on('ready', () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    sub.ping().then(
      () => {
        const payload: RealtimeResumed = {};
        for (const [namespace, event] of Object.entries(RESUMED))
          server.of(namespace).local.emit(event, payload);
      },
      // Gone again: the next 'ready' announces it.
      () => undefined,
    );
  });
}

/**
 * The adapter subscribes, unsubscribes and publishes without handling a rejection, so with Redis
 * out of reach (or its connection closed at shutdown) each of them would be an unhandled rejection
 * that can end the process. They are observed here: Redis being out of reach is logged once per
 * outage, as a warning (readiness reports it too); any other failure is logged as an error every
 * time; a publish that failed is handed to `onPublishLost` with its channel. A caller that awaits
 * the command still gets the rejection.
 */
export function handleUnawaitedRejections(
  connection: Redis,
  role: string,
  logger: Logger,
  onPublishLost: (channel: string, error: unknown) => void,
): void {
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
      if (result instanceof Promise)
        result.catch((error: unknown) => {
          if (name === 'spublish') onPublishLost(String(args[0]), error);
          observe(error);
        });
      return result;
    };
  }
}
