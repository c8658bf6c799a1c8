import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { Redis } from 'ioredis';
import type { applyRuntimeGrants } from '../../tools/db/grants.js';
import type { seed } from '../../tools/db/seed.js';
import {
  BuiltStack,
  builtStackEnv,
  type BuiltStackOptions,
} from '../../apps/api/test/support/built-stack.js';
import { spawnNode, type Child } from '../../apps/api/test/support/processes.js';
import { startSqlWireCounter, type SqlWireCounter } from '../../apps/api/test/support/sql-wire-counter.js';
import { adminUrl, runSql } from '../bench-database.js';
import { benchSecrets } from './seed.js';

/**
 * Node's options for the API instances and the worker: source maps as `npm start` runs them, plus
 * `BENCH_NODE_ARGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them under load).
 */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The role the measured processes connect as: it owns nothing (the API refuses an owner or a superuser). */
const RUNTIME_ROLE = 'baton_bench_app';

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
 * The built product (`BuiltStack`) as the benchmark measures it: as a runtime role that owns nothing,
 * with fresh installation secrets, each process behind a SQL statement counter.
 */
export class BatonStack extends BuiltStack {
  private constructor(
    options: BuiltStackOptions,
    readonly runtimeUrl: string,
    readonly apiSql: SqlWireCounter,
    readonly workerSql: SqlWireCounter,
  ) {
    super(options);
  }

  /** The runtime role, its grants and the built-in roles; then the SQL counters and the stack. */
  static async prepare(options: StackOptions): Promise<BatonStack> {
    const runtimeUrl = Object.assign(new URL(options.databaseUrl), {
      username: RUNTIME_ROLE,
      password: '',
    }).toString();
    await runSql(adminUrl, [
      `DO $$ BEGIN
         CREATE ROLE ${RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    ]);
    // The grants and built-in roles of the checkout whose API runs (BENCH_BATON_ROOT may be another).
    const tools = path.join(options.root, 'tools', 'db');
    const grants = (await import(path.join(tools, 'grants.ts'))) as {
      applyRuntimeGrants: typeof applyRuntimeGrants;
    };
    const seeding = (await import(path.join(tools, 'seed.ts'))) as { seed: typeof seed };
    await grants.applyRuntimeGrants(options.databaseUrl, RUNTIME_ROLE, () => undefined);
    await seeding.seed(runtimeUrl, 'admin@bench.example');
    const apiSql = await startSqlWireCounter(runtimeUrl);
    const workerSql = await startSqlWireCounter(runtimeUrl);
    const scratch = path.join(tmpdir(), options.redisPrefix);
    const env: NodeJS.ProcessEnv = {
      ...builtStackEnv({ url: options.redisUrl, prefix: options.redisPrefix }, scratch),
      // `npm start`'s defaults (development: webhooks may go to a loopback receiver).
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
      // Agents keep their conversations for the whole run.
      AGENT_DISCONNECT_GRACE_SECONDS: '3600',
      // No load balancer in front of the instances: nothing to drain before one stops.
      SHUTDOWN_DRAIN_MS: '0',
      ...benchSecrets(),
    };
    return new BatonStack(
      {
        root: options.root,
        env,
        databaseUrl: { api: apiSql.url, worker: workerSql.url },
        logDir: options.logDir,
        nodeArgs,
        // Room for the idle-socket scenario's connections.
        openFiles: 20_000,
      },
      runtimeUrl,
      apiSql,
      workerSql,
    );
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.all([this.apiSql.close(), this.workerSql.close()]);
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
