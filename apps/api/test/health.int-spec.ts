import { ZErrorBody, ZReadiness } from '@baton/contracts';
import type { INestApplication } from '@nestjs/common';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, createWorker } from '../src/bootstrap.js';
import { DEFAULT_MIGRATIONS_DIR } from '../src/paths.js';
import { randomUUID } from 'node:crypto';
import { webchatChannel } from './factories/channels.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { Client, eventually, startApi } from './support/api.js';
import { ask, closeSockets, connected, customerSocket } from './support/sockets.js';
import { PrivateRedis } from './support/private-redis.js';
import { capturingLogger, testEnv } from './support/test-env.js';

async function start(overrides: NodeJS.ProcessEnv = {}) {
  const log = capturingLogger();
  const app = await createApi(testEnv(overrides), log.logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, log, base: `http://127.0.0.1:${address.port}` };
}

describe('health endpoints', () => {
  let api: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    api = await start();
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('reports the process live', async () => {
    const response = await fetch(`${api.base}/api/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'live' });
  });

  it('reports degraded, still 200, with no worker alive, and names the workers down', async () => {
    const response = await fetch(`${api.base}/api/health/ready`);
    const body = ZReadiness.parse(await response.json());
    expect(response.status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.map((c) => [c.name, c.status])).toEqual([
      ['postgres', 'up'],
      ['redis', 'up'],
      ['migrations', 'up'],
    ]);
    expect(body.workers).toEqual({ status: 'down', alive: 0, lastSeenAt: null });
  });

  it('reports ready once a worker beats, counts it in the metrics, and degraded again when it stops', async () => {
    const token = 'health-metrics-token-0123456789abcdef';
    const scraped = await startApi({ METRICS_TOKEN: token });
    const staff = await signedInAdmin(scraped);
    const alive = async () => {
      const text = await (
        await fetch(`${scraped.base}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })
      ).text();
      return Number(/^baton_workers_alive (\S+)$/m.exec(text)?.[1]);
    };
    const readiness = async () =>
      ZReadiness.parse(await (await fetch(`${api.base}/api/health/ready`)).json());
    const worker = await createWorker(testEnv(), capturingLogger().logger);
    try {
      await worker.init();
      const ready = await readiness();
      expect(ready.status).toBe('ready');
      expect(ready.workers).toMatchObject({ status: 'up', alive: 1 });
      expect(Date.now() - Date.parse(ready.workers.lastSeenAt ?? '')).toBeLessThan(60_000);
      expect(await alive()).toBe(1);
      // What the supervisor wall polls: staff only.
      expect((await staff.get('/api/v1/workers')).body).toMatchObject({ status: 'up', alive: 1 });
      expect((await fetch(`${scraped.base}/api/v1/workers`)).status).toBe(401);

      await worker.close();
      // A worker that stops cleanly leaves at once; one that dies is forgotten when its heartbeat expires.
      const after = await readiness();
      expect(after).toMatchObject({ status: 'degraded', workers: { status: 'down', alive: 0 } });
      expect(after.workers.lastSeenAt).not.toBeNull();
      expect(await alive()).toBe(0);
      expect((await staff.get('/api/v1/workers')).body).toMatchObject({ status: 'down', alive: 0 });
    } finally {
      await worker.close();
      await scraped.close();
    }
  });

  it('echoes a well-formed X-Request-Id and logs the request under it', async () => {
    const response = await fetch(`${api.base}/api/health/ready`, {
      headers: { 'x-request-id': 'trace-abc-12345' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-12345');
    const line = api.log
      .lines()
      .find((l) => (l.req as { id?: string } | undefined)?.id === 'trace-abc-12345');
    expect(line).toMatchObject({ level: 'info', res: { statusCode: 200 } });
  });

  it('replaces a malformed request id with its own', async () => {
    const response = await fetch(`${api.base}/api/health/live`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API route with the error envelope and the request id', async () => {
    const response = await fetch(`${api.base}/api/nope`, { headers: { 'x-request-id': 'trace-404-00001' } });
    expect(response.status).toBe(404);
    const body = ZErrorBody.parse(await response.json());
    expect(body).toEqual({
      error: { code: 'not_found', message: 'Cannot GET /api/nope' },
      requestId: 'trace-404-00001',
    });
  });

  it('sends protective headers and no framework banner', async () => {
    const response = await fetch(`${api.base}/api/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(response.headers.get('x-xss-protection')).toBe('0');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('readiness when something is wrong', () => {
  it('acknowledges a socket event that needs Redis with service_unavailable and a retry delay while Redis is down', async () => {
    const redis = await PrivateRedis.start();
    const api = await startApi({ REDIS_URL: redis.url }, { logLevel: 'info' });
    try {
      const channel = await webchatChannel(api);
      const session = await new Client(api.base).post<{ token: string }>('/api/v1/widget/sessions', {
        channelId: channel.id,
      });
      expect(session.status).toBe(200);
      const socket = customerSocket(api, session.body.token);
      await connected(socket);
      await redis.kill();
      const reply = await ask<{ error?: { code: string; retryAfterSeconds?: number } }>(
        socket,
        'message.send',
        {
          body: 'Hello?',
          clientMessageId: randomUUID(),
        },
      );
      expect(reply.error).toMatchObject({ code: 'service_unavailable', retryAfterSeconds: 5 });
      expect(api.logs().some((l) => l.msg === 'socket event refused: redis unavailable')).toBe(true);
    } finally {
      closeSockets();
      await api.close();
      await redis.kill();
    }
  });

  it('answers requests that need Redis with a prompt 503 and Retry-After while Redis is down', async () => {
    const redis = await PrivateRedis.start();
    const api = await start({ REDIS_URL: redis.url });
    try {
      await redis.kill();
      const started = Date.now();
      const response = await fetch(`${api.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'trace-redis-down-1' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'not-a-real-password' }),
        signal: AbortSignal.timeout(20_000),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(ZErrorBody.parse(await response.json())).toEqual({
        error: {
          code: 'service_unavailable',
          message: 'The service is briefly unavailable. Try again shortly.',
        },
        requestId: 'trace-redis-down-1',
      });
      // Bounded by REDIS_COMMAND_TIMEOUT_MS (2 s), not by how long Redis stays down.
      expect(Date.now() - started).toBeLessThan(10_000);
      const line = api.log.lines().find((l) => l.requestId === 'trace-redis-down-1');
      expect(line).toMatchObject({
        level: 'warn',
        msg: 'request refused: redis unavailable',
        dependency: 'redis',
      });
      expect(line).not.toHaveProperty('err');
      // However many requests and reconnection attempts: the outage itself is one line (written at
      // the first failed reconnection attempt, which may come after the refusal above).
      const outageLines = () => api.log.lines().filter((l) => String(l.msg).startsWith('Redis unreachable'));
      await eventually(outageLines, (lines) => lines.length > 0);
      for (let i = 0; i < 3; i++) await fetch(`${api.base}/api/health/ready`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(outageLines()).toHaveLength(1);

      const ready = await fetch(`${api.base}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(ZReadiness.parse(await ready.json())).toMatchObject({
        status: 'not_ready',
        workers: { status: 'down', alive: 0 },
      });
    } finally {
      await api.app.close();
      await redis.kill();
    }
  });

  it('is 503 and names Redis when Redis cannot be reached', async () => {
    const api = await start({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const response = await fetch(`${api.base}/api/health/ready`);
      expect(response.status).toBe(503);
      const body = ZReadiness.parse(await response.json());
      expect(body.status).toBe('not_ready');
      expect(body.checks.find((c) => c.name === 'postgres')?.status).toBe('up');
      expect(body.checks.find((c) => c.name === 'redis')).toMatchObject({
        status: 'down',
        detail: expect.stringContaining('unreachable'),
      });
    } finally {
      await api.app.close();
    }
  });

  it('is 503 and names the pending migration and the command that applies it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-migrations-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(join(dir, '29991231000000_future_change'));
    await writeFile(join(dir, '29991231000000_future_change', 'migration.sql'), 'SELECT 1;');
    let api: { app: INestApplication; base: string } | undefined;
    try {
      api = await start({ MIGRATIONS_DIR: dir });
      const response = await fetch(`${api.base}/api/health/ready`);
      expect(response.status).toBe(503);
      const body = ZReadiness.parse(await response.json());
      expect(body.checks.find((c) => c.name === 'migrations')).toMatchObject({
        status: 'down',
        detail: '1 database migration is pending (29991231000000_future_change); run `npm run db:migrate`.',
      });
    } finally {
      await api?.app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
