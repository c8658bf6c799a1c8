import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from '../../redis/redis.service.js';
import { DroppedEventsService } from './dropped-events.service.js';

type SocketNamespace = '/agent' | '/customer';

/** The message types of socket.io's cluster adapter protocol (`socket.io-adapter`'s `MessageType`) sent here. */
const MessageType = { Broadcast: 3, SocketsLeave: 5, DisconnectSockets: 6, ServerSideEmit: 9 } as const;
/** The sender id the adapter accepts from a process that has no socket server of its own. */
const EMITTER_UID = 'emitter';
/** socket.io's packet type of an event. */
const EVENT_PACKET = 2;
/**
 * Reconnection attempts an event waits for Redis before it is dropped (under a second while Redis
 * refuses connections; each takes up to the connect timeout when it does not answer): a blip delays
 * it, an outage drops it (counted) rather than piling up every event in memory until Redis is back.
 */
const PUBLISH_RETRIES = 5;

/**
 * Emits to socket.io rooms from any process — API instances and workers alike — in the Redis adapter's
 * own protocol, on the channel of the one room each message targets, so only the instances holding a
 * socket in that room read it, and each delivers to its own sockets exactly once. Payloads are JSON.
 */
@Injectable()
export class SocketEmitterService {
  private readonly connection: Redis;

  constructor(
    private readonly redis: RedisService,
    private readonly dropped: DroppedEventsService,
  ) {
    this.connection = redis.connect('socket.io:emitter', { maxRetriesPerRequest: PUBLISH_RETRIES });
  }

  /** Sends `event` to the sockets in any of `rooms` (each once), but those also in one of `except`. */
  emit(
    namespace: SocketNamespace,
    rooms: string | string[],
    event: string,
    payload: unknown,
    except: string[] = [],
  ): void {
    // One message per room, each except the rooms before it: a socket in several gets the first only.
    const before = [...except];
    for (const room of typeof rooms === 'string' ? [rooms] : rooms) {
      this.broadcast(namespace, room, [...before], event, payload);
      before.push(room);
    }
  }

  /** Tells every API instance's `/agent` namespace (listeners registered with `namespace.on(event)`). */
  toInstances(event: string, payload: unknown): void {
    this.publish('/agent', undefined, MessageType.ServerSideEmit, { packet: [event, payload] });
  }

  /** Makes every socket in `rooms` leave them, on every instance. */
  leave(namespace: SocketNamespace, rooms: string[]): void {
    for (const room of rooms)
      this.publish(namespace, room, MessageType.SocketsLeave, { opts: target(room), rooms: [room] });
  }

  /** Closes the sockets in `room` on every instance, without a word: their clients reconnect. */
  disconnect(namespace: SocketNamespace, room: string): void {
    this.publish(namespace, room, MessageType.DisconnectSockets, { opts: target(room), close: true });
  }

  /**
   * Sends `event` to the sockets in `room` (but those also in `exceptRoom`), then closes them, on every
   * instance. Both go out on this one Redis connection to the room's one channel, so every instance
   * reads them in that order, and a socket flushes what it was sent before it closes: the client
   * reads the event first.
   */
  emitThenDisconnect(
    namespace: SocketNamespace,
    room: string,
    exceptRoom: string | undefined,
    event: string,
    payload: unknown,
  ): void {
    const except = exceptRoom ? [exceptRoom] : [];
    this.broadcast(namespace, room, except, event, payload);
    this.publish(namespace, room, MessageType.DisconnectSockets, { opts: target(room, except), close: true });
  }

  private broadcast(
    namespace: SocketNamespace,
    room: string,
    except: string[],
    event: string,
    payload: unknown,
  ): void {
    this.publish(namespace, room, MessageType.Broadcast, {
      packet: { type: EVENT_PACKET, data: [event, payload], nsp: namespace },
      opts: target(room, except),
    });
  }

  /** On the room's channel when the message targets one room, else on the namespace's. */
  private publish(
    namespace: SocketNamespace,
    room: string | undefined,
    type: (typeof MessageType)[keyof typeof MessageType],
    data: object,
  ): void {
    const message = JSON.stringify({ uid: EMITTER_UID, nsp: namespace, type, data });
    // Fire and forget; a publish that fails (Redis down, or during shutdown) is counted and logged,
    // never an unhandled rejection. Clients back-fill by `seq` at their next event, when live
    // delivery resumes (`realtime.resumed`), or when they reconnect.
    this.connection
      .spublish(this.redis.keys.socketIoChannel(namespace, room), message)
      .catch((err: unknown) => this.dropped.record(namespace, err));
  }
}

/** The adapter's broadcast options: the sockets in `room`, but those also in one of `except`. */
function target(room: string, except: string[] = []) {
  return { rooms: [room], except, flags: {} };
}
