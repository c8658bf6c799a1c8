import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, describeUrl } from './logger.js';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

describe('logger', () => {
  it('writes JSON lines with level names and an ISO time', () => {
    const { logger, lines } = capture();
    logger.info({ requestId: 'r-1' }, 'hello');
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'hello', requestId: 'r-1' });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts secrets at any usual depth, including request headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: 'hunter2hunter2',
        body: { newPassword: 'x', nested: { token: 'abc' } },
        req: { headers: { cookie: 'sid=abc', authorization: 'Bearer abc', accept: 'text/html' } },
      },
      'login',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2hunter2', '"x"', 'abc', 'Bearer']) expect(text).not.toContain(secret);
    expect(text).toContain('text/html');
  });

  it('keeps error codes visible while one-time codes stay hidden', () => {
    const { logger, lines } = capture();
    const database = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    logger.error(
      { err: database, cause: { code: '40P01' }, error: { code: 'auth.session_ended' } },
      'failed',
    );
    logger.error({ err: refused, code: 'ERR_SOCKET_CLOSED' }, 'failed');
    logger.info(
      {
        body: { code: '482913' },
        mfa: { code: 'Zk3pQ9rT' },
        recovery: { code: 'abcdefghij' },
        code: 'SplxlOBeZQQYbYS6WxSbIA',
      },
      'verify',
    );
    expect(lines[0]).toMatchObject({
      err: { code: 'P2002' },
      cause: { code: '40P01' },
      error: { code: 'auth.session_ended' },
    });
    expect(lines[1]).toMatchObject({ err: { code: 'ECONNREFUSED' }, code: 'ERR_SOCKET_CLOSED' });
    expect(lines[2]).toMatchObject({
      body: { code: '[redacted]' },
      mfa: { code: '[redacted]' },
      recovery: { code: '[redacted]' },
      code: '[redacted]',
    });
  });
});

describe('describeUrl', () => {
  it('never shows credentials', () => {
    expect(describeUrl('postgresql://baton:s3cret@db.internal:6432/baton')).toBe('db.internal:6432/baton');
    expect(describeUrl('redis://:pw@cache')).toBe('cache:6379');
  });
});
