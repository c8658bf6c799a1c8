import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { Redis } from 'ioredis';
import type { applyRuntimeGrants } from '../../tools/db/grants.js';
import type { seed } from '../../tools/db/seed.js';
import { startSqlWireCounter, type SqlWireCounter } from '../../apps/api/test/support/sql-wire-counter.js';
import { adminUrl, runSql } from '../bench-database.js';
import { quiet, spawnNode, waitForHttp, type Child } from './processes.js';
import { benchSecrets } from './seed.js';
import { nth } from './stats.js';

/**
 * Node's options for the API instances and the worker: source maps as `npm start` runs them, plus
 * `BENCH_NODE_ARGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them under load).
 */
const nodeArgs = ['--enable-source-maps', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];

/** The role the measured processes connect as: it owns nothing (the API refuses an owner or a superuser). */
const RUNTIME_ROLE = 'baton_bench_app';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Builds the API (and what it depends on) in `root` unless BENCH_SKIP_BUILD is set; Nx caches it. */
export function buildApi(root: string, say: (line: string) => void): void {
  if (process.env.BENCH_SKIP_BUILD) return;
  say(`building the API in ${root} (cached when unchanged)…`);
  const build = spawnSync(
    path.join(root, 'node_modules', '.bin', 'nx'),
    ['run', 'api:build', '--outputStyle=static'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } },
  );
  if (build.status !== 0)
    throw new Error(`the API build failed in ${root}:\n${(build.stderr || build.stdout).slice(-3000)}`);
}

/** Fails early, with what to do, when PostgreSQL or Redis is not there. */
export async function checkServices(redisUrl: string): Promise<void> {
  try {
    await runSql(adminUrl, ['SELECT 1']);
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl} (${(error as Error).message}); start it, or set BENCH_DATABASE_ADMIN_URL.`,
    );
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(error as Error).message}); start it, or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Removes every key of this run's prefix. */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface StackOptions {
  /** The checkout whose built API runs (BENCH_BATON_ROOT, else this one). */
  root: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  logDir: string;
}

/**
 * The product as `npm start` runs it: the built API (one or more instances) and the worker as child
 * processes, as a runtime role that owns nothing, each behind a SQL statement counter.
 */
export class BatonStack {
  readonly env: NodeJS.ProcessEnv;
  readonly apis: Child[] = [];
  readonly bases: string[] = [];
  /** Every API and worker process this run started, stopped ones included. */
  readonly started = new Set<Child>();
  private apiCount = 0;
  worker!: Child;
  apiSql!: SqlWireCounter;
  workerSql!: SqlWireCounter;
  readonly runtimeUrl: string;

  constructor(private readonly options: StackOptions) {
    this.runtimeUrl = Object.assign(new URL(options.databaseUrl), {
      username: RUNTIME_ROLE,
      password: '',
    }).toString();
    const scratch = path.join(tmpdir(), options.redisPrefix);
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // `npm start`'s defaults (development: webhooks may go to a loopback receiver).
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      SERVE_WEB: 'false',
      AUDIT_CHECKPOINT_SINKS: 'none',
      AUDIT_CHECKPOINT_FILE: `${scratch}-audit-checkpoints.jsonl`,
      AUDIT_CHECKPOINT_KEY_FILE: `${scratch}-audit-checkpoint.key`,
      // Many customers share one machine here, not one address: the per-visitor limits must not be
      // what is measured. Agents keep their conversations for the whole run.
      WIDGET_MESSAGES_PER_WINDOW: '10000',
      WIDGET_CONVERSATIONS_PER_HOUR: '10000',
      AGENT_DISCONNECT_GRACE_SECONDS: '3600',
      AGENT_AUTO_AWAY_MINUTES: '0',
      ...benchSecrets(),
    };
  }

  /** The runtime role, its grants and the built-in roles; then the SQL counters. */
  async prepare(): Promise<void> {
    await runSql(adminUrl, [
      `DO $$ BEGIN
         CREATE ROLE ${RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    ]);
    // The grants and built-in roles of the checkout whose API runs (BENCH_BATON_ROOT may be another).
    const tools = path.join(this.options.root, 'tools', 'db');
    const grants = (await import(path.join(tools, 'grants.ts'))) as {
      applyRuntimeGrants: typeof applyRuntimeGrants;
    };
    const seeding = (await import(path.join(tools, 'seed.ts'))) as { seed: typeof seed };
    await grants.applyRuntimeGrants(this.options.databaseUrl, RUNTIME_ROLE, () => undefined);
    await seeding.seed(this.runtimeUrl, 'admin@bench.example');
    this.apiSql = await startSqlWireCounter(this.runtimeUrl);
    this.workerSql = await startSqlWireCounter(this.runtimeUrl);
    mkdirSync(this.options.logDir, { recursive: true });
  }

  private dist(file: string): string {
    return path.join(this.options.root, 'dist', 'apps', 'api', file);
  }

  /** One more API instance on its own port; ready once /api/health/ready answers. */
  async startApi(): Promise<string> {
    const port = await freePort();
    // Numbered over the run (a stopped instance's number is not reused), and so are their log files.
    const index = ++this.apiCount;
    const child = spawnNode(`api-${index}`, [...nodeArgs, this.dist('main.js')], {
      cwd: this.options.root,
      env: {
        ...this.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: this.apiSql.url,
      },
      logFile: path.join(this.options.logDir, `api-${index}.log`),
      // Room for the idle-socket scenario's connections.
      openFiles: 20_000,
    });
    this.apis.push(child);
    this.started.add(child);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/api/health/ready`, child);
    this.bases.push(base);
    return base;
  }

  /** The first API instance (the one the single-instance scenarios use). */
  get firstApi(): { child: Child; base: string } {
    return { child: nth(this.apis, 0), base: nth(this.bases, 0) };
  }

  /** The instance started last. */
  get newestApi(): { child: Child; base: string } {
    return { child: nth(this.apis, this.apis.length - 1), base: nth(this.bases, this.bases.length - 1) };
  }

  /** Until the API instances and the worker have worked off what earlier load left them. */
  quiet(): Promise<void> {
    return quiet([...this.apis, this.worker]);
  }

  /** Stops the instance started last. */
  async stopApi(): Promise<void> {
    const child = this.apis.pop();
    this.bases.pop();
    await child?.stop();
  }

  async startWorker(): Promise<void> {
    this.worker = spawnNode('worker', [...nodeArgs, this.dist('worker.js')], {
      cwd: this.options.root,
      env: { ...this.env, DATABASE_URL: this.workerSql.url, LOG_LEVEL: 'info' },
      logFile: path.join(this.options.logDir, 'worker.log'),
    });
    this.started.add(this.worker);
    await this.worker.line(/worker started/);
  }

  async close(): Promise<void> {
    await Promise.all([...this.apis.map((c) => c.stop()), this.worker?.stop()]);
    await Promise.all([this.apiSql?.close(), this.workerSql?.close()]);
  }
}

/**
 * The relay, compiled to plain JavaScript first, so its process carries no TypeScript loader: its
 * memory and CPU are socket.io's alone. The compiled file sits in bench/results/ (git-ignored), where
 * `socket.io` resolves from the repository's node_modules.
 */
export async function startRelay(benchRoot: string, logDir: string): Promise<{ child: Child; base: string }> {
  const compiled = path.join(benchRoot, 'results', 'relay-server.mjs');
  const source = readFileSync(path.join(benchRoot, 'relay-server.ts'), 'utf8');
  writeFileSync(compiled, transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code);
  const child = spawnNode('relay', [compiled], {
    env: { PATH: process.env.PATH, PORT: '0' },
    logFile: path.join(logDir, 'relay.log'),
    openFiles: 20_000,
  });
  const line = await child.line(/relay listening on \d+/);
  return { child, base: `http://127.0.0.1:${line.slice(line.lastIndexOf(' ') + 1)}` };
}
