/**
 * `npm start`: brings the whole product up on one machine — PostgreSQL and Redis (local or
 * private), build, migrations, seed, then the api and worker processes. Ctrl-C stops it all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploy } from '../db/migrate.js';
import { seedDemoContent } from '../db/demo-content.js';
import { adminBanner, DEFAULT_ADMIN_EMAIL, seed, type SeedResult } from '../db/seed.js';
import { ensureLocalServices, ServiceError, type LocalServices } from './local-services.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => console.log(`baton: ${line}`);
const fail = (line: string): never => {
  console.error(`baton: ${line}`);
  process.exit(1);
};

if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const port = Number(process.env.PORT || 3000);
const publicUrl = process.env.PUBLIC_URL || `http://localhost:${port}`;

let services: LocalServices | undefined;
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await services?.stop();
  say('stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const { databaseUrl, redisUrl } = (services = await ensureLocalServices({
  dataRoot: join(root, '.data'),
  say,
}).catch((error: unknown) => fail(error instanceof ServiceError ? error.message : String(error))));
const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PORT: String(port) };

say('building (cached after the first run)…');
const build = spawnSync(
  join(root, 'node_modules', '.bin', 'nx'),
  ['run-many', '-t', 'build', '--outputStyle=static'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  },
);
if (build.status !== 0) {
  await services?.stop();
  fail('the build failed; run `npm run build` to see why.');
}

let firstAdmin: SeedResult['admin'];
try {
  await deploy(databaseUrl, (line) => say(line));
  const seeded = await seed(databaseUrl, process.env.SEED_ADMIN_EMAIL || undefined);
  say(`built-in roles ready: ${seeded.roles.join(', ')}`);
  firstAdmin = seeded.admin;
  if (process.env.SEED_DEMO !== 'false') {
    const origins = [
      ...new Set([new URL(publicUrl).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`]),
    ];
    const demo = await seedDemoContent(
      databaseUrl,
      origins,
      process.env.SEED_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL,
    );
    if (demo.created)
      say(`demo content ready: queue "General", a knowledge-base bot, and the chat at ${publicUrl}/demo`);
  }
} catch (error) {
  await services?.stop();
  fail(`database setup failed: ${error instanceof Error ? error.message : String(error)}`);
}

function startProcess(name: 'api' | 'worker'): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', join(root, 'dist', 'apps', 'api', name === 'api' ? 'main.js' : 'worker.js')],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
    void shutdown(1);
  });
  children.push(child);
  return child;
}

startProcess('api');
startProcess('worker');

const deadline = Date.now() + 60_000;
for (;;) {
  if (stopping) break;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    say('the api did not become ready within 60 s; see its log above.');
    await shutdown(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
if (!stopping) {
  say(`ready — open ${publicUrl} (Ctrl-C stops everything).`);
  // After the start-up logs, so it does not scroll away.
  if (firstAdmin) console.log(adminBanner(firstAdmin));
}
