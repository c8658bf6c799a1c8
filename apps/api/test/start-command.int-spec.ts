import { PUBLISHED_SECRETS, SECRET_NAMES } from '@baton/security';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { TEST_SECRETS } from './support/test-secrets.js';
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

function npmStart(
  port: number,
  overrides: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
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
      // Checkpoints would sign this shared test database into the repository's `.data/`.
      AUDIT_CHECKPOINT_SINKS: 'none',
      ...TEST_SECRETS,
      ...overrides,
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

  it('restarts a worker that crashed, saying so, and keeps the api serving meanwhile', async () => {
    const port = await freePort();
    const npm = npmStart(port);
    await eventually(npm.output, (out) => out.includes('baton: ready'), 90_000);
    const pid = npm.child.pid as number;
    const isWorker = (p: { command: string }) => p.command.includes('dist/apps/api/worker.js');
    const first = descendants(pid).filter(isWorker);
    expect(first).toHaveLength(1);

    process.kill(first[0]!.pid, 'SIGKILL');
    const out = await eventually(npm.output, (o) => o.includes('baton: worker restarted.'), 20_000);
    expect(out).toContain(
      'baton: worker exited (SIGKILL); restarting it in 1 s (crash 1 of 5 allowed within 2 minutes).',
    );
    const second = await eventually(
      () => descendants(pid).filter(isWorker),
      (found) => found.length === 1 && found[0]!.pid !== first[0]!.pid,
      20_000,
    );
    expect(second.map(stillRunning)).toEqual([true]);
    expect(stillRunning(first[0]!)).toBe(false);
    expect(await listening(port)).toBe(true);
    // The new worker beats: readiness reports it, not the `degraded` of no worker.
    const ready = await eventually(
      async () =>
        (await (await fetch(`http://127.0.0.1:${port}/api/health/ready`)).json()) as { status: string },
      (body) => body.status === 'ready',
      20_000,
    );
    expect(ready.status).toBe('ready');

    process.kill(pid, 'SIGTERM');
    await npm.exited;
    expect(descendants(pid).filter(stillRunning)).toEqual([]);
    expect(npm.output()).toContain('baton: stopped.');
  }, 150_000);

  describe('on an installation outside tests', () => {
    let scratch: string;
    beforeEach(() => {
      scratch = mkdtempSync(join(tmpdir(), 'baton-start-'));
    });
    afterEach(() => rmSync(scratch, { recursive: true, force: true }));

    /** Nothing given but where the secrets file goes: what `npm start` on a fresh clone has. */
    const fresh = (file: string): NodeJS.ProcessEnv => ({
      NODE_ENV: 'development',
      SECRETS_FILE: file,
      HOST: undefined,
      ...Object.fromEntries(SECRET_NAMES.map((name) => [name, undefined])),
    });

    it('generates the secrets once, hands the same ones to the api and the worker, prints none and listens on loopback', async () => {
      const file = join(scratch, '.data', 'secrets.env');
      const port = await freePort();
      const npm = npmStart(port, fresh(file));
      const ready = await eventually(
        npm.output,
        // The address line follows "ready" and may arrive in a later chunk of npm's output.
        (out) => out.includes('baton: listening on') || out.includes('stopped.'),
        90_000,
      );
      expect(ready).toContain('baton: ready');

      expect(statSync(file).mode & 0o777).toBe(0o600);
      const generated = npm
        .output()
        .match(
          /baton: generated this installation's secrets in \S+ — back it up; without it encrypted data cannot be read/g,
        );
      expect(generated).toEqual([
        `baton: generated this installation's secrets in ${file} — back it up; without it encrypted data cannot be read`,
      ]);
      const secrets = parseEnv(readFileSync(file, 'utf8'));
      for (const name of SECRET_NAMES) expect(npm.output()).not.toContain(secrets[name]);
      // Both processes run on the file's values, handed over by `npm start`.
      const product = descendants(npm.child.pid as number).filter((p) =>
        /dist\/apps\/api\/(main|worker)\.js/.test(p.command),
      );
      expect(product).toHaveLength(2);
      for (const { pid } of product) {
        const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        for (const name of SECRET_NAMES) expect(environment).toContain(`${name}=${secrets[name]}`);
      }
      expect(npm.output()).toContain(
        `baton: listening on 127.0.0.1:${port} only; set HOST=0.0.0.0 to accept other machines.`,
      );

      process.kill(npm.child.pid as number, 'SIGTERM');
      await npm.exited;
    }, 120_000);

    it('refuses a published development secret before building anything, saying what to do', async () => {
      const npm = npmStart(await freePort(), {
        ...fresh(join(scratch, 'secrets.env')),
        BLIND_INDEX_KEY: PUBLISHED_SECRETS.BLIND_INDEX_KEY,
      });
      await npm.exited;
      expect(npm.child.exitCode).toBe(1);
      expect(npm.output()).toMatch(
        /baton: invalid configuration: BLIND_INDEX_KEY is a development value published with Baton's source, so anyone can use it; remove it .* or set a value of your own\n/,
      );
      expect(npm.output()).not.toContain('building');
    }, 60_000);
  });
});
