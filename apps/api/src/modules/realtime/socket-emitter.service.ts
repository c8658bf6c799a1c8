import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Emitter } from '@socket.io/redis-emitter';
import { LOGGER } from '../../logging/logging.module.js';
import { RedisService } from '../../redis/redis.service.js';

/**
 * Emits to socket.io rooms from any process — API instances and workers alike — through the Redis
 * adapter's channel, so every instance delivers to its own sockets exactly once.
 */
@Injectable()
export class SocketEmitterService {
  private readonly emitter: Emitter;

  constructor(redis: RedisService, @Inject(LOGGER) logger: Logger) {
    const connection = redis.connect('socket.io:emitter');
    // The emitter fires and forgets; a publish that fails (Redis down, or during shutdown) is logged,
    // never an unhandled rejection. Clients recover by `seq` back-fill on their next event or reconnect.
    const publisher = {
      publish: (channel: string, message: string | Buffer) =>
        connection.publish(channel, message).catch((err: unknown) => {
          logger.warn({ err }, 'socket event not published');
        }),
    };
    this.emitter = new Emitter(publisher, { key: redis.keys.socketIo });
  }

  /** Sends `event` to the sockets in any of `rooms` (each once), but those also in one of `except`. */
  emit(
    namespace: '/agent' | '/customer',
    rooms: string | string[],
    event: string,
    payload: unknown,
    except: string[] = [],
  ): void {
    if (rooms.length === 0) return;
    this.emitter.of(namespace).to(rooms).except(except).emit(event, payload);
  }

  /** Tells every API instance's `/agent` namespace (listeners registered with `namespace.on(event)`). */
  toInstances(event: string, payload: unknown): void {
    this.emitter.of('/agent').serverSideEmit(event, payload);
  }

  /** Makes every socket in `rooms` leave them, on every instance. */
  leave(namespace: '/agent' | '/customer', rooms: string[]): void {
    if (rooms.length > 0) this.emitter.of(namespace).in(rooms).socketsLeave(rooms);
  }

  /** Closes the sockets in `room` on every instance, without a word: their clients reconnect. */
  disconnect(namespace: '/agent' | '/customer', room: string): void {
    this.emitter.of(namespace).in(room).disconnectSockets(true);
  }

  /**
   * Sends `event` to the sockets in `room` (but those also in `exceptRoom`), then closes them, on every
   * instance. Both go out on this one Redis connection and every instance reads them in that order,
   * and a socket flushes what it was sent before it closes, so the client reads the event first.
   */
  emitThenDisconnect(
    namespace: '/agent' | '/customer',
    room: string,
    exceptRoom: string | undefined,
    event: string,
    payload: unknown,
  ): void {
    const target = () => {
      const sockets = this.emitter.of(namespace).in(room);
      return exceptRoom ? sockets.except(exceptRoom) : sockets;
    };
    target().emit(event, payload);
    target().disconnectSockets(true);
  }
}
