import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, quiet, spawnNode, waitForHttp, type Child } from './processes.js';

export interface BuiltStackOptions {
  /** The checkout whose built API runs (`dist/apps/api`). */
  root: string;
  /** What the API instances and the worker share: Redis, secrets, limits (no PORT, no DATABASE_URL). */
  env: NodeJS.ProcessEnv;
  /** The database as each kind of process reaches it (directly, or through a proxy). */
  databaseUrl: { api: string; worker: string };
  logDir: string;
  /** Node's options for every process (source maps, a profiler). */
  nodeArgs?: string[];
  /** Soft open-files limit of the API instances (room for many sockets). */
  openFiles?: number;
}

/**
 * What every process of a built stack here runs with, whatever it is for: loopback only, its own Redis
 * (prefix), no SPA, checkpoints kept out of the repository, and limits sized for many customers on one
 * machine rather than one address each (the per-visitor limits are not what is measured).
 */
export function builtStackEnv(redis: { url: string; prefix: string }, scratch: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    SERVE_WEB: 'false',
    AUDIT_CHECKPOINT_SINKS: 'none',
    AUDIT_CHECKPOINT_FILE: `${scratch}-audit-checkpoints.jsonl`,
    AUDIT_CHECKPOINT_KEY_FILE: `${scratch}-audit-checkpoint.key`,
    WIDGET_MESSAGES_PER_WINDOW: '10000',
    WIDGET_CONVERSATIONS_PER_HOUR: '10000',
    AGENT_AUTO_AWAY_MINUTES: '0',
  };
}

const distOf = (root: string, file: string) => path.join(root, 'dist', 'apps', 'api', file);

/** Fails with what to do when the API has not been built in `root`. */
export function assertBuilt(root: string): void {
  const main = distOf(root, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm test does it).`);
}

/**
 * The product as `npm start` runs it: the built API (one or more instances) and the worker as child
 * processes. Benchmarks measure it; the fault suite kills its parts.
 */
export class BuiltStack {
  readonly apis: Child[] = [];
  readonly bases: string[] = [];
  /** Every API and worker process started, stopped ones included. */
  readonly started = new Set<Child>();
  private apiCount = 0;
  private workerCount = 0;
  worker!: Child;

  constructor(protected readonly options: BuiltStackOptions) {
    assertBuilt(options.root);
    mkdirSync(options.logDir, { recursive: true });
  }

  get env(): NodeJS.ProcessEnv {
    return this.options.env;
  }

  private dist(file: string): string {
    return distOf(this.options.root, file);
  }

  private get nodeArgs(): string[] {
    return ['--enable-source-maps', ...(this.options.nodeArgs ?? [])];
  }

  /** One more API instance on its own port; ready once /api/health/ready answers. */
  async startApi(): Promise<string> {
    const port = await freePort();
    // Numbered over the run (a stopped instance's number is not reused), and so are their log files.
    const index = ++this.apiCount;
    const base = `http://127.0.0.1:${port}`;
    const child = spawnNode(`api-${index}`, [...this.nodeArgs, this.dist('main.js')], {
      cwd: this.options.root,
      env: {
        ...this.options.env,
        PORT: String(port),
        PUBLIC_URL: base,
        DATABASE_URL: this.options.databaseUrl.api,
      },
      logFile: path.join(this.options.logDir, `api-${index}.log`),
      ...(this.options.openFiles && { openFiles: this.options.openFiles }),
    });
    this.apis.push(child);
    this.started.add(child);
    await waitForHttp(`${base}/api/health/ready`, child);
    this.bases.push(base);
    return base;
  }

  /** The first API instance (the one the single-instance scenarios use). */
  get firstApi(): { child: Child; base: string } {
    return this.api(0);
  }

  /** The instance started last. */
  get newestApi(): { child: Child; base: string } {
    return this.api(this.apis.length - 1);
  }

  api(index: number): { child: Child; base: string } {
    const child = this.apis[index];
    const base = this.bases[index];
    if (!child || !base) throw new Error(`no API instance #${index} is running`);
    return { child, base };
  }

  /** Until the API instances and the worker have worked off what earlier load left them. */
  quiet(): Promise<void> {
    return quiet([...this.apis, this.worker]);
  }

  /**
   * Stops an instance (the newest by default) and forgets it: `SIGTERM` lets it close as an operator's
   * restart does, `SIGKILL` is a crash.
   */
  async stopApi(child = this.apis.at(-1), signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!child) return;
    const index = this.apis.indexOf(child);
    if (index >= 0) {
      this.apis.splice(index, 1);
      this.bases.splice(index, 1);
    }
    await (signal === 'SIGKILL' ? child.kill() : child.stop());
  }

  /** The worker (again, after it was stopped: the first one's log is `worker.log`, later ones numbered). */
  async startWorker(): Promise<void> {
    const index = ++this.workerCount;
    const name = index === 1 ? 'worker' : `worker-${index}`;
    this.worker = spawnNode(name, [...this.nodeArgs, this.dist('worker.js')], {
      cwd: this.options.root,
      // The worker says it started at info level, whatever the instances log at.
      env: { ...this.options.env, DATABASE_URL: this.options.databaseUrl.worker, LOG_LEVEL: 'info' },
      logFile: path.join(this.options.logDir, `${name}.log`),
    });
    this.started.add(this.worker);
    await this.worker.line(/worker started/);
  }

  async close(): Promise<void> {
    await Promise.all([...this.apis.map((c) => c.stop()), this.worker?.stop()]);
  }
}
