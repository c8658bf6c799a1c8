import type { Bot, CustomerMessage, Readiness, WidgetSessionResponse } from '@baton/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { webchatChannel } from './factories/channels.factory.js';
import { tag } from './factories/names.js';
import { createQueue } from './factories/queues.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { Client, eventually, startApi, type TestApi } from './support/api.js';
import { startFakeOpenAi, textCompletion, type FakeOpenAi } from './support/fake-openai.js';
import { ask, closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';
import { testEnv } from './support/test-env.js';
import { TEST_SECRETS } from './support/test-secrets.js';

// The built worker, run as production runs it, so it can be killed outright. `npm test` builds first.
const WORKER = join(REPO_ROOT, 'dist', 'apps', 'api', 'worker.js');

describe('a worker killed during a bot turn', () => {
  let fake: FakeOpenAi;
  let api: TestApi;
  const workers: ChildProcess[] = [];
  const env = { OPENAI_API_KEY: 'test-key', BOT_TURN_TIMEOUT_MS: '60000' };

  /** A worker process on this file's database and Redis prefix, as the API in this file uses. */
  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--enable-source-maps', WORKER], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: testEnv().REDIS_PREFIX,
        LOG_LEVEL: 'warn',
        RECOVERY_SWEEP_SECONDS: '0',
        AUDIT_CHECKPOINT_SINKS: 'none',
        OPENAI_BASE_URL: fake.baseUrl,
        ...env,
        ...TEST_SECRETS,
      },
    });
    workers.push(child);
    return child;
  }

  const readiness = async () => (await (await fetch(`${api.base}/api/health/ready`)).json()) as Readiness;

  beforeAll(async () => {
    if (!existsSync(WORKER))
      throw new Error('dist/apps/api is missing: run `npm run build` (npm test does it).');
    fake = await startFakeOpenAi();
    api = await startApi({ ...env, OPENAI_BASE_URL: fake.baseUrl });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    for (const child of workers)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await api?.close();
    await fake?.close();
  });

  it('answers the customer within 10 s of a new worker starting, and readiness shows the gap', async () => {
    const admin = await signedInAdmin(api);
    const queue = await createQueue(admin, { name: `Support ${tag()}` });
    const bot = await admin.post<Bot>('/api/v1/bots', {
      name: `bot-${tag()}`,
      engine: 'llm',
      systemPrompt: 'You are the helpful assistant of a small shop.',
      allowedQueueIds: [queue.id],
    });
    expect(bot.status).toBe(201);
    const channel = await webchatChannel(api, { botConfigId: bot.body.id });

    // The first request is held: the turn is running in the first worker when it is killed.
    fake.reset((_body, { index }) => (index === 0 ? 'hang' : textCompletion('Here to help.')));
    const first = startWorker();
    await eventually(readiness, (r) => r.workers.alive === 1, 30_000);

    const session = await new Client(api.base).post<WidgetSessionResponse>('/api/v1/widget/sessions', {
      channelId: channel.id,
    });
    const socket = customerSocket(api, session.body.token);
    await connected(socket);
    const answered = waitFor<{ message: CustomerMessage }>(
      socket,
      'message.created',
      (p) => p.message.authorKind === 'bot',
      60_000,
    );
    await ask(socket, 'message.send', { body: 'Is anyone there?', clientMessageId: randomUUID() });
    expect(
      await eventually(
        () => fake.requests.length,
        (n) => n > 0,
        20_000,
      ),
    ).toBe(1);

    first.kill('SIGKILL');
    // No worker: the API stays in the load balancer (200) and says the workers are down.
    const gap = await eventually(readiness, (r) => r.workers.alive === 0, 15_000);
    expect(gap).toMatchObject({ status: 'degraded', workers: { status: 'down', alive: 0 } });

    const restartedAt = Date.now();
    startWorker();
    const { message } = await answered;
    expect(message.body).toBe('Here to help.');
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    expect(fake.requests).toHaveLength(2);
  }, 120_000);
});
