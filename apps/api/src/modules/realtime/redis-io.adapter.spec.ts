import { createServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigService } from '../../config/config.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { EventEmitter } from 'node:events';
import { DroppedEventsService } from './dropped-events.service.js';
import { RedisIoAdapter, handleUnawaitedRejections } from './redis-io.adapter.js';

/** An app whose Redis accepts connections and never answers, as a stalled or unreachable one does. */
function appWithSilentRedis(port: number) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const config = { env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 'baton:adapter-spec' } };
  const dropped = new DroppedEventsService({ warn: vi.fn() } as unknown as Logger);
  const services = new Map<unknown, unknown>([
    [ConfigService, config],
    [LOGGER, logger],
    [DroppedEventsService, dropped],
  ]);
  const app = Object.assign(createServer(), { get: (token: unknown) => services.get(token) });
  return { app, logger: logger as unknown as Logger & typeof logger, dropped };
}

describe('socket.io Redis adapter', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const sockets: Socket[] = [];
  let silent: TcpServer;
  beforeEach(async () => {
    silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('survives Redis out of reach and its connections closing, and says so once', async () => {
    process.on('unhandledRejection', onUnhandled);
    const { app, logger, dropped } = appWithSilentRedis((silent.address() as { port: number }).port);
    const adapter = new RedisIoAdapter(app as never);
    const server = adapter.createIOServer(0);
    // Three namespaces, each with its own subscriptions: every one of them is queued, then refused.
    server.of('/agent');
    server.of('/customer');
    server.of('/agent').emit('ping');
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    await adapter.close(server);
    // The connections are closing; once the other end goes too, ioredis refuses what it still held.
    for (const socket of sockets) socket.destroy();
    await vi.waitFor(() => expect(unhandled.length + logger.warn.mock.calls.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(unhandled).toEqual([]);
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalled();
    // Once per connection (pub and sub), not once per command.
    expect(logger.warn.mock.calls.length).toBeLessThanOrEqual(2);
    expect(logger.warn.mock.calls[0]).toEqual([
      expect.objectContaining({ reason: 'Connection is closed.' }),
      'socket.io Redis adapter cannot reach Redis',
    ]);
    // The broadcast never reached Redis: counted as a dropped event of its namespace.
    expect(dropped.total('/agent')).toBe(1);
  });

  it('logs any other failure as an error every time, and still rejects to a caller who waits', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const refused = () =>
      Promise.reject(new Error("NOPERM this user has no permissions to access the 'x' channel"));
    const connection = Object.assign(new EventEmitter(), {
      ssubscribe: refused,
      sunsubscribe: refused,
      spublish: refused,
    });
    const lost = vi.fn();
    handleUnawaitedRejections(connection as never, 'sub', logger as unknown as Logger, lost);
    const commands = connection as unknown as Record<string, (channel: string) => Promise<unknown>>;
    void commands['ssubscribe']!('x');
    await expect(commands['spublish']!('x')).rejects.toThrow(/NOPERM/);
    await vi.waitFor(() => expect(logger.error).toHaveBeenCalledTimes(2));
    expect(logger.warn).not.toHaveBeenCalled();
    // Only the publish lost an event.
    expect(lost).toHaveBeenCalledTimes(1);
    expect(lost).toHaveBeenCalledWith('x', expect.any(Error));
  });
});
