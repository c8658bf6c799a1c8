import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { loadEnv, type Env } from '../../src/config/env.schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { TEST_SECRETS } from './test-secrets.js';

/**
 * Each test file gets its own Redis prefix under the run's: a worker started by one file then never
 * takes jobs (bot turns, deliveries) that another file's API queued. The global teardown removes them all.
 */
const filePrefix = `${inject('redisPrefix')}-${randomBytes(3).toString('hex')}`;

/** Configuration for an in-test api or worker: this run's database, this file's Redis prefix, the test keys, quiet logs. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): Env {
  return loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: filePrefix,
    LOG_LEVEL: 'info',
    SERVE_WEB: 'false',
    // The database is shared by test files running at once: one file's worker must not recover
    // another's work in progress. Tests that exercise the sweeps call them directly.
    RECOVERY_SWEEP_SECONDS: '0',
    TIMER_RECONCILE_SECONDS: '0',
    // Checkpoints sign the whole database's chain, which test files share: only the files about
    // checkpoints turn them on (with their own database). Nothing is ever written to the repo's `.data/`.
    AUDIT_CHECKPOINT_SINKS: 'none',
    AUDIT_CHECKPOINT_FILE: join(tmpdir(), `${filePrefix}-audit-checkpoints.jsonl`),
    AUDIT_CHECKPOINT_KEY_FILE: join(tmpdir(), `${filePrefix}-audit-checkpoint.key`),
    ...TEST_SECRETS,
    ...overrides,
  });
}

/** A logger whose JSON lines the test can read back. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let buffer = '';
  stream.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  return {
    logger: createLogger({ level, destination: stream }),
    lines: () =>
      buffer
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
