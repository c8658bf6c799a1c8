import { Queue, QueueEvents } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { eventually } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { TEST_SECRETS } from './support/test-secrets.js';
import { createDatabase, dropDatabase } from './support/databases.js';

// These tests run the built processes exactly as `npm start` and production do. `npm test` builds first.
const DIST = join(REPO_ROOT, 'dist', 'apps', 'api');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(entry: 'main.js' | 'worker.js' | 'worker-health.js', env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [join(DIST, entry)], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: inject('redisPrefix'),
      LOG_LEVEL: 'info',
      // Checkpoints would sign this shared test database into the repository's `.data/`.
      AUDIT_CHECKPOINT_SINKS: 'none',
      ...TEST_SECRETS,
      ...env,
    },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers 2xx (connection refused meanwhile: not up yet). */
async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const up = await eventually(
    () =>
      fetch(url).then(
        (response) => response.ok,
        () => false,
      ),
    Boolean,
    { timeoutMs, intervalMs: 100 },
  );
  if (!up) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'main.js')))
    throw new Error('dist/apps/api is missing: run `npm run build` (npm test does it).');
});

describe('api process start-up', () => {
  it('fails fast with one clear line when PostgreSQL is down', async () => {
    const api = run('main.js', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/baton' });
    expect(await api.exited).toBe(1);
    expect(api.stderr().trim().split('\n')).toEqual([
      'baton api: cannot start: PostgreSQL is not reachable at 127.0.0.1:1/baton (ECONNREFUSED); start it or set DATABASE_URL.',
    ]);
  });

  it('refuses to start on an unmigrated database and says which command to run', async () => {
    const database = `baton_test_pending_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    // Owned by the owner role, as `npm run db:roles` creates it; the runtime role may still connect.
    await admin.query(
      `CREATE DATABASE "${database}" OWNER "${new URL(inject('databaseOwnerUrl')).username}"`,
    );
    try {
      const url = Object.assign(new URL(inject('databaseUrl')), { pathname: `/${database}` }).toString();
      const api = run('main.js', { DATABASE_URL: url });
      expect(await api.exited).toBe(1);
      expect(api.stderr()).toMatch(
        /^baton api: cannot start: \d+ database migrations? (is|are) pending \(.+\); run `npm run db:migrate`\.\n$/,
      );
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it("refuses to run as the tables' owner, which could rewrite the audit trail", async () => {
    for (const entry of ['main.js', 'worker.js'] as const) {
      const started = run(entry, { DATABASE_URL: inject('databaseOwnerUrl') });
      expect(await started.exited).toBe(1);
      expect(started.stderr()).toBe(
        `baton ${entry === 'main.js' ? 'api' : 'worker'}: cannot start: connected to PostgreSQL as ` +
          `"${new URL(inject('databaseOwnerUrl')).username}", which owns audit_events, may create objects in ` +
          'schema public, may change or delete audit events; the api and worker must use the runtime role, ' +
          'which owns nothing (docs/SECURITY.md#database-roles).\n',
      );
    }
  });

  it('refuses to start, api and worker, while stored data uses a data key it lacks, naming it and where', async () => {
    // A database of its own: the shared one must stay startable for the other files.
    const databaseUrl = createDatabase('entry_keys', { seed: false });
    try {
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      await db.query(
        `INSERT INTO channels (id, kind, name, secrets_ciphertext, key_id, updated_at)
         VALUES (gen_random_uuid(), 'whatsapp', 'retired-key', 'c2VhbGVk', 'retired', now())`,
      );
      await db.end();
      for (const entry of ['main.js', 'worker.js'] as const) {
        const started = run(entry, { DATABASE_URL: databaseUrl });
        expect(await started.exited).toBe(1);
        expect(started.stderr()).toBe(
          `baton ${entry === 'main.js' ? 'api' : 'worker'}: cannot start: stored data is encrypted under data ` +
            'key "retired" (1 row(s) of channels: channel secrets), which DATA_ENCRYPTION_KEYS lacks; add it ' +
            'back (docs/OPERATIONS.md#keys).\n',
        );
      }
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it('refuses production without its secrets, naming each variable, before touching anything', async () => {
    const api = run('main.js', {
      NODE_ENV: 'production',
      APP_SECRET: undefined,
      DATA_ENCRYPTION_KEYS: undefined,
      BLIND_INDEX_KEY: undefined,
      // Not the checkout's own secrets file, which a developer's `npm start` may have created.
      SECRETS_FILE: join(REPO_ROOT, 'dist', 'no-such-secrets.env'),
    });
    expect(await api.exited).toBe(1);
    for (const name of Object.keys(TEST_SECRETS))
      expect(api.stderr()).toContain(`baton api: invalid configuration: ${name} is required in production`);
    expect(api.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('running product', () => {
  let api: Run;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    api = run('main.js', { PORT: String(port), HOST: '127.0.0.1' });
    base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/api/health/ready`);
  });
  afterAll(async () => {
    api.child.kill('SIGTERM');
    await api.exited;
  });

  it('serves the SPA at / and for client-side routes, and the widget bundle', async () => {
    const home = await fetch(`${base}/`);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain('<div id="root"></div>');
    const deep = await fetch(`${base}/inbox/some-conversation`, { headers: { accept: 'text/html' } });
    expect(await deep.text()).toContain('<div id="root"></div>');
    const widget = await fetch(`${base}/widget/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toContain('javascript');
  });

  it('logs JSON lines with the request id and no secrets', async () => {
    await fetch(`${base}/api/health/ready`, {
      headers: { 'x-request-id': 'entry-trace-0001', cookie: 'sid=topsecret' },
    });
    // The response's line is written once the response has gone: wait for it, then read every line.
    await eventually(api.stdout, (out) => out.includes('entry-trace-0001'));
    const lines = api
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => (l.req as { id?: string } | undefined)?.id === 'entry-trace-0001')).toBe(true);
    expect(api.stdout()).not.toContain('topsecret');
  });

  it('drains on SIGTERM: readiness says 503 draining while it still serves, then it stops cleanly', async () => {
    const port = await freePort();
    const draining = run('main.js', { PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '3000' });
    const local = `http://127.0.0.1:${port}`;
    await waitFor(`${local}/api/health/ready`);
    draining.child.kill('SIGTERM');
    const ready = await eventually(
      () => fetch(`${local}/api/health/ready`),
      (response) => response.status === 503,
      { timeoutMs: 2_000, intervalMs: 20 },
    );
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });
    // Still serving everything else meanwhile: requests in flight at a load balancer are not refused.
    expect((await fetch(`${local}/api/health/live`)).status).toBe(200);
    expect(await draining.exited).toBe(0);
    expect(draining.stdout()).toContain('"msg":"stopping after draining for 3000 ms"');
  });

  it('stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const second = run('main.js', { PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '0' });
    await waitFor(`http://127.0.0.1:${port}/api/health/live`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('worker process', () => {
  it('takes a job from Redis and hands back its result (a real BullMQ round trip)', async () => {
    // Its own prefix, so no in-process worker of another test file can take the job.
    const prefix = `${inject('redisPrefix')}-proc`;
    const worker = run('worker.js', { REDIS_PREFIX: prefix });
    const connection = { url: inject('redisUrl') };
    const queue = new Queue('system', { connection, prefix });
    const events = new QueueEvents('system', { connection, prefix });
    try {
      await events.waitUntilReady();
      const nonce = randomUUID();
      const job = await queue.add('health.ping', { nonce });
      const result = (await job.waitUntilFinished(events, 15_000)) as { nonce: string; worker: string };
      expect(result.nonce).toBe(nonce);
      expect(result.worker.endsWith(`:${worker.child.pid}`)).toBe(true);
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      await events.close();
      await queue.close();
    }
  });

  it('passes its container health check while it beats, and fails it, saying why, once it is gone', async () => {
    const prefix = `${inject('redisPrefix')}-health-${randomUUID().slice(0, 8)}`;
    const beforeStart = run('worker-health.js', { REDIS_PREFIX: prefix });
    expect(await beforeStart.exited).toBe(1);
    expect(beforeStart.stderr()).toMatch(
      /^baton worker-health: no heartbeat from a worker on \S+ in the last few seconds\n$/,
    );

    const worker = run('worker.js', { REDIS_PREFIX: prefix });
    try {
      const healthy = await eventually(
        () => run('worker-health.js', { REDIS_PREFIX: prefix }).exited,
        (code) => code === 0,
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(healthy).toBe(0);
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    // Killed, not stopped: its heartbeat expires within seconds.
    const dead = await eventually(
      () => run('worker-health.js', { REDIS_PREFIX: prefix }).exited,
      (code) => code === 1,
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(dead).toBe(1);
  });

  it('logs a Redis outage as one JSON line, never a stack on stderr', async () => {
    const redis = await PrivateRedis.start();
    const worker = run('worker.js', {
      REDIS_URL: redis.url,
      REDIS_PREFIX: `${inject('redisPrefix')}-outage`,
    });
    try {
      await eventually(worker.stdout, (out) => out.includes('"msg":"worker started"'), 30_000);
      await redis.kill();
      // A few of ioredis's reconnection attempts and BullMQ's failing polls, on every connection.
      const lost = await eventually(
        () =>
          worker
            .stdout()
            .split('\n')
            .filter((l) => l.includes('Redis unreachable')),
        (lines) => lines.length > 0,
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(
        worker
          .stdout()
          .split('\n')
          .filter((l) => l.includes('Redis unreachable')),
      ).toEqual(lost);
      expect(JSON.parse(lost[0]!)).toMatchObject({
        level: 'error',
        // The error code stays readable, not redacted (reset, refused, broken pipe: it depends on the moment).
        code: expect.stringMatching(/^E[A-Z]+$/),
      });
      expect(worker.stderr()).toBe('');
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
      await redis.kill();
    }
  });
});
