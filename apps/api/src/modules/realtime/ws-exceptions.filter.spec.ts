import type { ArgumentsHost } from '@nestjs/common';
import type { SocketError } from '@baton/contracts';
import { PassThrough } from 'node:stream';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/logger.js';
import { WsExceptionsFilter } from './ws-exceptions.filter.js';

function setup() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const filter = new WsExceptionsFilter(createLogger({ level: 'info', destination: stream }));
  const acks: SocketError[] = [];
  const socket = { nsp: { name: '/agent' } } as Socket;
  const host = {
    getArgs: () => [socket, {}, (reply: SocketError) => acks.push(reply)],
  } as unknown as ArgumentsHost;
  return { filter, host, acks, lines };
}

describe('socket exceptions', () => {
  it('acknowledge an internal failure without its stack, and log it with the stack', () => {
    const { filter, host, acks, lines } = setup();
    filter.catch(new TypeError('cannot read properties of undefined'), host);
    expect(acks).toEqual([
      { error: { code: 'internal_error', message: 'Something went wrong on our side.' } },
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'socket event failed',
      namespace: '/agent',
      err: {
        type: 'TypeError',
        message: 'cannot read properties of undefined',
        stack: expect.stringContaining('at '),
      },
    });
  });

  it('acknowledge Redis being out of reach as service_unavailable with a retry delay, one warning line', () => {
    const { filter, host, acks, lines } = setup();
    filter.catch(new Error("Stream isn't writeable and enableOfflineQueue options is false"), host);
    expect(acks).toEqual([
      {
        error: {
          code: 'service_unavailable',
          message: 'The service is briefly unavailable. Try again shortly.',
          retryAfterSeconds: 5,
        },
      },
    ]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'socket event refused: redis unavailable',
        cause: "Stream isn't writeable and enableOfflineQueue options is false",
      }),
    ]);
  });
});
