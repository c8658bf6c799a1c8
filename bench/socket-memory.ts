/**
 * Idle customer sockets: what each one costs the API in memory and handshake CPU, against a bare
 * socket.io server holding the same sockets in the same kind of room. Standalone; see bench/README.md.
 *
 *   npx nx build api && npx tsx --conditions=@baton/source bench/socket-memory.ts
 *
 * Env: BENCH_SOCKETS (5000; at most ~19,000: one process opens them all), BENCH_DATABASE_ADMIN_URL,
 * REDIS_URL (redis://127.0.0.1:6379).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { adminUrl, benchDatabase, runSql } from './bench-database.js';
import { positiveInt } from './bench-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOCKETS = positiveInt('BENCH_SOCKETS', 5000);
const OPENING_AT_ONCE = 50;
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const APP_SECRET = randomBytes(24).toString('hex');

/** The bare server: a `/customer` namespace whose sockets each join one room, as the API's do. */
function serveBare(): void {
  const http = createServer();
  const server = new Server(http, { serveClient: false });
  server.of('/customer').use((socket, next) => {
    void socket.join(`contact:${String((socket.handshake.auth as { token?: unknown }).token)}`);
    next();
  });
  http.listen(0, '127.0.0.1', () => process.send?.((http.address() as { port: number }).port));
}

/** A visitor token as `VisitorTokenService.issue` signs it (its key derived from APP_SECRET). */
function visitorToken(contactId: string, channelId: string): string {
  const key = createHmac('sha256', APP_SECRET).update('baton:visitor-token').digest();
  const payload = Buffer.from(
    JSON.stringify({ c: contactId, ch: channelId, exp: Date.now() + 86_400_000 }),
  ).toString('base64url');
  return `v1.${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

async function main(): Promise<void> {
  const api = path.join(root, 'dist', 'apps', 'api', 'main.js');
  if (!existsSync(api)) throw new Error('build the API first: npx nx build api');
  const { database } = benchDatabase();
  // The API refuses to run as a superuser or as the tables' owner: the database is set up as operators
  // set theirs up (roles, then migrations), with the benchmark's own two roles.
  const as = (user: string) =>
    Object.assign(new URL(adminUrl), { username: user, password: '', pathname: `/${database}` }).toString();
  const env = {
    DATABASE_ADMIN_URL: adminUrl,
    DATABASE_OWNER_URL: as('baton_bench_owner'),
    DATABASE_URL: as('baton_bench_app'),
  };
  try {
    tool('roles.ts', [], env);
    tool('migrate.ts', ['deploy'], env);
    const tokens = await seedVisitors(env.DATABASE_OWNER_URL);
    const results: Measured[] = [];
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    for (const [name, start] of [
      ['bare socket.io', () => fork(fileURLToPath(import.meta.url), ['serve-bare'])],
      ['Baton API', () => startApi(api, port, env.DATABASE_URL)],
    ] as const) {
      const child: ChildProcess = start();
      try {
        const listening = await new Promise<number>((resolve, reject) => {
          child.once('message', (p) => resolve(Number(p)));
          child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
        });
        results.push(await measure(name, child.pid!, listening, tokens));
      } finally {
        child.kill('SIGTERM');
      }
    }
    const [bare, baton] = results as [Measured, Measured];
    console.log(
      `\nload average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${SOCKETS} sockets`,
    );
    console.table(results);
    const extra = (baton.perSocketBytes - bare.perSocketBytes) / 1024;
    console.log(`Baton adds ${extra.toFixed(1)} KiB per socket over bare socket.io`);
    const out = path.join(root, 'bench', 'results', 'socket-memory.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ sockets: SOCKETS, loadavg: os.loadavg(), results }, null, 2)}\n`);
  } finally {
    await runSql(adminUrl, [`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`]);
  }
  process.exit(0);
}

/** Runs tools/db/<script> as operators do (`npm run db:…`). */
function tool(script: string, args: string[], env: NodeJS.ProcessEnv): void {
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@baton/source', path.join(root, 'tools', 'db', script), ...args],
    { env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`tools/db/${script} failed:\n${run.stderr}${run.stdout}`);
}

/** One enabled web chat channel (any origin) and `SOCKETS` contacts of it; their visitor tokens. */
async function seedVisitors(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const channel = await client.query<{ id: string }>(
      `INSERT INTO channels (id, kind, name, config, enabled, updated_at)
       VALUES (gen_random_uuid(), 'webchat', 'bench-widget', '{}', true, now()) RETURNING id`,
    );
    const channelId = channel.rows[0]!.id;
    const contacts = await client.query<{ id: string }>(
      `INSERT INTO contacts (id, channel_id, external_id, updated_at)
       SELECT gen_random_uuid(), $1, gen_random_uuid()::text, now() FROM generate_series(1, $2::int)
       RETURNING id`,
      [channelId, SOCKETS],
    );
    return contacts.rows.map((row) => visitorToken(row.id, channelId));
  } finally {
    await client.end();
  }
}

/** The built API as operators run it, telling this process its port once it accepts connections. */
function startApi(main: string, port: number, databaseUrl: string): ChildProcess {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: `baton-bench-${randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'warn',
      SERVE_WEB: 'false',
      RECOVERY_SWEEP_SECONDS: '0',
      APP_SECRET,
      DATA_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      BLIND_INDEX_KEY: randomBytes(24).toString('hex'),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const poll = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/api/health/live`).then(
      (response) => {
        if (!response.ok) return;
        clearInterval(poll);
        child.emit('message', port);
      },
      () => undefined,
    );
  }, 200);
  child.once('exit', () => clearInterval(poll));
  return child;
}

interface Measured {
  server: string;
  idleRssMiB: number;
  loadedRssMiB: number;
  perSocketBytes: number;
  handshakeCpuMs: number;
}

/** RSS (bytes) and CPU time (ms) of a process, from /proc. */
function usage(pid: number): { rss: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime (fields 14 and 15 of stat; 12 and 13 after the command) are in clock ticks of 10 ms.
  return { rss, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10_000));

async function measure(server: string, pid: number, port: number, tokens: string[]): Promise<Measured> {
  await settle();
  const idle = usage(pid);
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += OPENING_AT_ONCE) {
    await Promise.all(
      tokens.slice(i, i + OPENING_AT_ONCE).map(
        (token) =>
          new Promise<void>((resolve, reject) => {
            const socket = io(`http://127.0.0.1:${port}/customer`, {
              transports: ['websocket'],
              reconnection: false,
              auth: { token },
            });
            sockets.push(socket);
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          }),
      ),
    );
  }
  const opened = usage(pid);
  await settle();
  const loaded = usage(pid);
  for (const socket of sockets) socket.disconnect();
  return {
    server,
    idleRssMiB: Math.round(idle.rss / 2 ** 20),
    loadedRssMiB: Math.round(loaded.rss / 2 ** 20),
    perSocketBytes: Math.round((loaded.rss - idle.rss) / tokens.length),
    handshakeCpuMs: Number(((opened.cpuMs - idle.cpuMs) / tokens.length).toFixed(3)),
  };
}

if (process.argv[2] === 'serve-bare') serveBare();
else await main();
