import { generateSecrets, hashPassword, PUBLISHED_SECRETS, SECRET_NAMES } from '@baton/security';
import { spawn, type ChildProcess } from 'node:child_process';
import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { Client, eventually } from './support/api.js';
import { ownDatabase, type OwnDatabase } from './support/databases.js';
import { freePort } from './support/processes.js';

/**
 * A fresh installation started as an operator would, outside tests (no NODE_ENV, no secrets given):
 * the built api generates its own secrets, so nothing made with the values published in this
 * repository works against it, and it listens on loopback until HOST says otherwise.
 */

const DIST = join(REPO_ROOT, 'dist', 'apps', 'api');
const SHOP = 'https://shop.example';

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const runs: Run[] = [];
// A process that should have refused to start but did not (or a failed test) must not outlive the file.
afterAll(() => {
  for (const run of runs)
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
});

function runApi(env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [join(DIST, 'main.js')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `${inject('redisPrefix')}-install-${randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'info',
      SERVE_WEB: 'false',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  runs.push(run);
  return run;
}

async function stop(run: Run | undefined): Promise<void> {
  if (!run || run.child.exitCode !== null) return;
  run.child.kill('SIGTERM');
  await run.exited;
}

async function ready(port: number, run: Run): Promise<void> {
  const ok = await eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/api/health/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    (up) => up || run.child.exitCode !== null,
    45_000,
  );
  expect(ok, run.output()).toBe(true);
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Addresses of this machine other than 127.0.0.1: another loopback address always, and the LAN ones. */
function otherAddresses(): string[] {
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return ['127.0.0.2', ...lan];
}

/** A visitor token as the api makes them (visitor-token.service.ts), signed with `appSecret`. */
function visitorToken(appSecret: string, contactId: string, channelId: string): string {
  const key = createHmac('sha256', appSecret).update('baton:visitor-token').digest();
  const payload = Buffer.from(
    JSON.stringify({ c: contactId, ch: channelId, exp: Date.now() + 3_600_000 }),
  ).toString('base64url');
  return `v1.${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

function contactOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { c: string }).c;
}

/** What `DataEncryptionService.decrypt` does, with a key given here. */
function decrypt(ciphertext: string, key: Buffer, context: string): string {
  const raw = Buffer.from(ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

const dataKey = (keys: string) => Buffer.from(keys.split(',')[0]!.split(':')[1]!, 'base64');

const GENERATED =
  /generated this installation's secrets in (\S+) — back it up; without it encrypted data cannot be read/g;

describe('a fresh installation', () => {
  let scratch: string;
  let file: string;
  let db: pg.Client;
  let port: number;
  let first: Run;
  let second: Run | undefined;
  let channelId: string;
  let database: OwnDatabase | undefined;

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'main.js')))
      throw new Error('dist/apps/api is missing: run `npm run build` (npm test does it).');
    scratch = mkdtempSync(join(tmpdir(), 'baton-install-'));
    file = join(scratch, '.data', 'secrets.env');
    // A database of its own: the shared one holds data encrypted under the tests' keys, which the
    // generated keys cannot read (and the api refuses to start on).
    database = ownDatabase('install');
    db = new pg.Client({ connectionString: database.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO channels (id, kind, name, config, updated_at)
       VALUES (gen_random_uuid(), 'webchat', $1, $2, now()) RETURNING id`,
      [`install-${randomBytes(4).toString('hex')}`, JSON.stringify({ allowedOrigins: [SHOP] })],
    );
    channelId = rows[0]!.id;

    port = await freePort();
    first = runApi({ PORT: String(port), SECRETS_FILE: file, DATABASE_URL: database.databaseUrl });
    await ready(port, first);
  });

  afterAll(async () => {
    await Promise.all([stop(first), stop(second)]);
    await db?.end();
    await database?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const stored = () => parseEnv(readFileSync(file, 'utf8'));

  async function widgetSession(token?: string): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP, 'x-forwarded-for': '198.51.100.7' },
      body: JSON.stringify({ channelId, ...(token && { token }) }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  it('generates its secrets into a file only its owner can read, says so once and prints none of them', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(scratch, '.data')).mode & 0o777).toBe(0o700);
    expect([...first.output().matchAll(GENERATED)].map((m) => m[1])).toEqual([file]);

    const secrets = stored();
    for (const name of SECRET_NAMES) {
      expect(secrets[name]).toBeTruthy();
      expect(secrets[name]).not.toBe(PUBLISHED_SECRETS[name]);
      expect(first.output()).not.toContain(secrets[name]);
    }
    expect(first.output()).not.toContain(secrets.DATA_ENCRYPTION_KEYS!.split(':')[1]);
  });

  it('listens on 127.0.0.1 only, and says where', async () => {
    expect(first.output()).toContain(`api listening on 127.0.0.1:${port}`);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    for (const address of otherAddresses()) expect(await accepts(address, port), address).toBe(false);
  });

  it('refuses a visitor token forged with the published APP_SECRET', async () => {
    const token = await widgetSession();
    const visitor = contactOf(token);

    const forged = visitorToken(PUBLISHED_SECRETS.APP_SECRET, visitor, channelId);
    expect(contactOf(await widgetSession(forged))).not.toBe(visitor);

    // The same token signed with this installation's secret is the visitor: the secret in use is the file's.
    const genuine = visitorToken(stored().APP_SECRET!, visitor, channelId);
    expect(contactOf(await widgetSession(genuine))).toBe(visitor);
  });

  it("encrypts a user's TOTP secret with its own key, which the published one cannot open", async () => {
    const email = `install-${randomBytes(4).toString('hex')}@example.test`;
    const password = `Pw-${randomBytes(12).toString('base64url')}`;
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO users (id, email, display_name, password_hash, must_change_password, updated_at)
       VALUES (gen_random_uuid(), $1, 'Install check', $2, false, now()) RETURNING id`,
      [email, await hashPassword(password)],
    );
    const userId = rows[0]!.id;
    const client = new Client(`http://127.0.0.1:${port}`);
    expect((await client.post('/api/v1/auth/login', { email, password })).status).toBe(200);
    const enrolment = await client.post<{ secret: string }>('/api/v1/auth/mfa/enrolment');
    expect(enrolment.status).toBe(200);

    const factor = await db.query<{ secret_ciphertext: string }>(
      'SELECT secret_ciphertext FROM mfa_factors WHERE user_id = $1',
      [userId],
    );
    const sealed = factor.rows[0]!.secret_ciphertext;
    const context = `mfa-secret:${userId}`;
    expect(() => decrypt(sealed, dataKey(PUBLISHED_SECRETS.DATA_ENCRYPTION_KEYS), context)).toThrow();
    expect(decrypt(sealed, dataKey(stored().DATA_ENCRYPTION_KEYS!), context)).toBe(enrolment.body.secret);
  });

  it('reuses the file on the next start, silently, and listens on all interfaces when HOST=0.0.0.0', async () => {
    const visitor = await widgetSession();
    const before = readFileSync(file, 'utf8');
    await stop(first);

    second = runApi({
      PORT: String(port),
      SECRETS_FILE: file,
      HOST: '0.0.0.0',
      DATABASE_URL: database?.databaseUrl,
    });
    await ready(port, second);
    expect(second.output()).not.toMatch(GENERATED);
    expect(readFileSync(file, 'utf8')).toBe(before);
    // A visitor of the first start is still the same visitor: same secrets.
    expect(contactOf(await widgetSession(visitor))).toBe(contactOf(visitor));

    expect(second.output()).toContain(`api listening on 0.0.0.0:${port}`);
    for (const address of otherAddresses()) expect(await accepts(address, port), address).toBe(true);
  });
});

describe('the published development secrets', () => {
  it.each(SECRET_NAMES)(
    'stop the api from starting outside tests when %s is one, naming it',
    async (name) => {
      const api = runApi({
        PORT: String(await freePort()),
        // The other two are this installation's own, so nothing is generated.
        ...generateSecrets(),
        SECRETS_FILE: join(tmpdir(), `baton-never-${randomBytes(4).toString('hex')}.env`),
        [name]: PUBLISHED_SECRETS[name],
      });
      expect(
        await eventually(
          () => api.child.exitCode,
          (code) => code !== null,
          20_000,
        ),
      ).toBe(1);
      expect(api.output().trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^baton api: invalid configuration: ${name} is a development value published with Baton's source, so anyone can use it; remove it .* or set a value of your own$`,
          ),
        ),
      ]);
    },
  );
});
