import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import { HEALTH_PING_JOB, type HealthPong } from '../src/modules/health/health-ping.handler.js';
import { eventually } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { capturingLogger, testEnv } from './support/test-env.js';

describe('worker', () => {
  let worker: INestApplicationContext;
  let jobs: JobsService;

  const log = capturingLogger();

  beforeAll(async () => {
    worker = await createWorker(testEnv(), log.logger);
    await worker.init();
    jobs = worker.get(JobsService);
    // Listen for completions before adding jobs, so no notification can slip past.
    await jobs.queueEvents(QueueName.System).waitUntilReady();
  });
  afterAll(async () => {
    await worker.close();
  });

  it('runs a health job enqueued through Redis and returns its result', async () => {
    const nonce = randomUUID();
    const job = await jobs.queue(QueueName.System).add(HEALTH_PING_JOB, { nonce });
    const result = (await job.waitUntilFinished(jobs.queueEvents(QueueName.System), 10_000)) as HealthPong;
    expect(result.nonce).toBe(nonce);
    expect(result.worker).toMatch(/:\d+$/);
  });

  it('fails a job nobody handles at once instead of retrying it', async () => {
    const job = await jobs
      .queue(QueueName.System)
      .add('health.unknown', {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    await expect(job.waitUntilFinished(jobs.queueEvents(QueueName.System), 10_000)).rejects.toThrow(
      /No handler for job "health.unknown"/,
    );
    const failed = await jobs.queue(QueueName.System).getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
    expect(
      await eventually(
        () => log.lines().filter((line) => line.jobId === job.id),
        (lines) => lines.length > 0,
      ),
    ).toEqual([
      expect.objectContaining({ level: 'error', msg: 'job failed for good', job: 'health.unknown' }),
    ]);
  });

  it('ensures a job once: one that completed is left alone, one that failed for good runs again', async () => {
    const queue = jobs.queue(QueueName.System);
    const id = randomUUID();
    const ping = { name: HEALTH_PING_JOB, data: { nonce: id }, opts: { jobId: `ping-${id}` } };
    expect(await jobs.ensure(QueueName.System, [ping, ping])).toBe(1);
    const done = await queue.getJob(`ping-${id}`);
    await done?.waitUntilFinished(jobs.queueEvents(QueueName.System), 10_000);
    expect(await jobs.ensure(QueueName.System, [ping])).toBe(0);
    expect(await queue.getJobState(`ping-${id}`)).toBe('completed');

    const doomed = { name: 'health.unknown', data: {}, opts: { jobId: `doomed-${id}` } };
    const failures = () =>
      log.lines().filter((line) => line.jobId === `doomed-${id}` && line.msg === 'job failed for good');
    expect(await jobs.ensure(QueueName.System, [doomed])).toBe(1);
    expect(await eventually(failures, (lines) => lines.length === 1)).toHaveLength(1);
    expect(await jobs.ensure(QueueName.System, [doomed])).toBe(1);
    expect(await eventually(failures, (lines) => lines.length === 2)).toHaveLength(2);
  });

  it('seals new audit events into the hash chain promptly', async () => {
    const prisma = worker.get(PrismaService);
    const marker = randomUUID();
    const started = Date.now();
    await worker
      .get(AuditService)
      .recordNow({ action: 'user.updated', target: { type: 'user', id: marker } });
    const row = await eventually(
      () => prisma.auditEvent.findFirst({ where: { targetId: marker } }),
      (event) => Boolean(event?.hash) && event?.chainPos !== null && event?.chainPos !== undefined,
      5_000,
    );
    expect(row).toMatchObject({ hash: expect.any(String), chainPos: expect.anything() });
    // Typically a few hundred milliseconds; the bound leaves room for a busy CI machine.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('warns at start, without refusing to run, when Redis may evict queued jobs', async () => {
    // The shared Redis evicts nothing: no warning there.
    expect(log.lines().filter((line) => /maxmemory-policy/.test(String(line.msg)))).toEqual([]);
    const redis = await PrivateRedis.start(['--maxmemory-policy', 'allkeys-lru']);
    const evicting = capturingLogger('warn');
    const other = await createWorker(testEnv({ REDIS_URL: redis.url }), evicting.logger);
    try {
      await other.init();
      expect(evicting.lines()).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          policy: 'allkeys-lru',
          msg: expect.stringMatching(/set it to noeviction/),
        }),
      );
    } finally {
      await other.close();
      await redis.kill();
    }
  });
});
