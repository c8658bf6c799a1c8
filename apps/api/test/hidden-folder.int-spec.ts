import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { TEST_SECRETS } from './support/test-secrets.js';
import { eventually } from './support/api.js';
import { freePort } from './support/processes.js';

/**
 * A checkout under a folder whose name starts with a dot (cloned into `~/.cache/…`, say) serves the
 * SPA and the widget like any other: the built API runs here from a copy placed under `.hidden/`.
 */
describe('built product under a dot folder', () => {
  let scratch: string;
  let api: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'apps', 'web', 'index.html')))
      throw new Error('dist/apps is missing: run `npm run build` (npm test does it).');
    scratch = mkdtempSync(join(tmpdir(), 'baton-'));
    const checkout = join(scratch, '.hidden', 'baton');
    for (const part of ['dist/apps/api', 'dist/apps/web', 'dist/apps/widget', 'prisma/migrations'])
      cpSync(join(REPO_ROOT, part), join(checkout, part), { recursive: true });
    // Dependencies are not what is tested; the product's own files are real copies under the dot folder.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(checkout, 'node_modules'));

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [join(checkout, 'dist', 'apps', 'api', 'main.js')], {
      cwd: checkout,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: `${inject('redisPrefix')}-dot`,
        LOG_LEVEL: 'warn',
        ...TEST_SECRETS,
      },
    });
    api.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    api.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const ready = await eventually(
      () =>
        fetch(`${base}/api/health/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      (ok) => ok,
      45_000,
    );
    expect(ready, output).toBe(true);
  });

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('serves the SPA at /, for a client-side route, and the widget bundle', async () => {
    const home = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain('<div id="root"></div>');

    const inbox = await fetch(`${base}/inbox`, { headers: { accept: 'text/html' } });
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain('<div id="root"></div>');

    const widget = await fetch(`${base}/widget/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toContain('javascript');
  });
});
