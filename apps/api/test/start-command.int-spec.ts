import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { eventually } from './support/api.js';
import { descendants, freePort, listening, stillRunning } from './support/processes.js';

/**
 * `npm start` as a service manager or `nohup npm start & … kill $!` runs it: the signal goes to npm's own
 * PID only, never to its process group as Ctrl-C's does. Everything npm started must be gone when it exits.
 */

let started: ChildProcess | undefined;

afterEach(() => {
  // A failed run must not leave a product running: the whole group, which the test made npm lead.
  if (started?.pid) {
    try {
      process.kill(-started.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started = undefined;
});

function npmStart(port: number): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    // Its own process group, so the only signal anything in it gets is the one the test sends to npm.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: inject('databaseUrl'),
      DATABASE_OWNER_URL: inject('databaseOwnerUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `${inject('redisPrefix')}-start-${randomBytes(3).toString('hex')}`,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      // Other test files share this database: this worker must not recover their work in progress.
      RECOVERY_SWEEP_SECONDS: '0',
    },
  });
  started = child;
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the api, the worker and everything else it started on ${signal} to npm's own PID`, async () => {
      const port = await freePort();
      const npm = npmStart(port);
      const ready = await eventually(npm.output, (out) => out.includes('baton: ready'), 90_000);
      expect(ready).toContain('baton: ready');
      const pid = npm.child.pid as number;

      const tree = descendants(pid);
      expect(tree.some((p) => p.command.includes('dist/apps/api/main.js'))).toBe(true);
      expect(tree.some((p) => p.command.includes('dist/apps/api/worker.js'))).toBe(true);
      expect(await listening(port)).toBe(true);

      process.kill(pid, signal);
      await npm.exited;

      // npm's exit is what a service manager waits for: by then the api and worker are down, and the
      // rest (the TypeScript loader's helper ends when its pipe closes) follows within moments.
      const product = tree.filter((p) => /dist\/apps\/api\/(main|worker)\.js/.test(p.command));
      expect(product.filter(stillRunning).map((p) => p.command)).toEqual([]);
      const left = await eventually(
        () => tree.filter(stillRunning).map((p) => p.command),
        (commands) => commands.length === 0,
        5_000,
      );
      expect(left).toEqual([]);
      expect(await listening(port)).toBe(false);
      expect(npm.output()).toContain('baton: stopped.');
    }, 120_000);
  }
});
