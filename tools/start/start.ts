/**
 * `npm start`: brings the whole product up on one machine — PostgreSQL and Redis (local or
 * private), build, migrations, seed, then the api and worker processes, restarting either when it
 * crashes (see restart-policy.ts). SIGINT (Ctrl-C) or SIGTERM
 * to this process or to npm's own PID stops it all; npm exits only once everything is down.
 * package.json runs it as `exec node --import tsx …` because npm forwards a signal to its direct
 * child only: a shell in between would die without passing it on, and tsx's own wrapper process
 * kills its child outright when that child does not acknowledge the signal within 30 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedSecretProblems, SecretsError, withInstallSecrets } from '@baton/security';
import { deploy } from '../db/migrate.js';
import { seedDemoContent } from '../db/demo-content.js';
import { adminBanner, DEFAULT_ADMIN_EMAIL, seed, type SeedResult } from '../db/seed.js';
import { databaseRoleUrls } from './database-roles.js';
import { ensureLocalServices, ServiceError } from './local-services.js';
import { afterCrash, RESTART_POLICY } from './restart-policy.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => console.log(`baton: ${line}`);

if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const port = Number(process.env.PORT || 3000);
const publicUrl = process.env.PUBLIC_URL || `http://localhost:${port}`;

const starting = ensureLocalServices({ dataRoot: join(root, '.data'), say });
const children: { child: ChildProcess; stop: (signal: NodeJS.Signals) => void }[] = [];
let stopping = false;

/**
 * Stops the children (SIGKILL after 15 s), then the private services, then exits. Only the first
 * call acts: Ctrl-C reaches this process twice (from the terminal and forwarded by npm), and a
 * failure during a requested stop must not cut it short.
 */
async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => undefined);
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      ({ child, stop }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const kill = setTimeout(() => stop('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          stop('SIGTERM');
        }),
    ),
  );
  // A stop during start-up waits for the services being started, so a private one is not left behind.
  const services = await starting.catch(() => undefined);
  await services?.stop();
  say('stopped.');
  process.exit(code);
}

/** Where to reach the api from here: a wildcard address is reached through loopback. */
function probeHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

const fail = async (line: string): Promise<never> => {
  if (!stopping) console.error(`baton: ${line}`);
  return shutdown(1);
};

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/** Registers a child for the stop to end (SIGTERM, SIGKILL after 15 s); `stop` signals it. */
function track(
  child: ChildProcess,
  stop: (signal: NodeJS.Signals) => void = (signal) => child.kill(signal),
): ChildProcess {
  children.push({ child, stop });
  return child;
}

const { databaseUrl: serverUrl, redisUrl } = await starting.catch((error: unknown) =>
  fail(error instanceof ServiceError ? error.message : String(error)),
);
/**
 * The installation's secrets are resolved here once (generated on the first start) and handed to the
 * api and the worker in their environment, so both use the same values. After the services, so a
 * private PostgreSQL has already set up `.data/` the way its account needs; before the build, so a
 * published development secret stops the start at once (the api checks the rest of the configuration).
 */
const base: NodeJS.ProcessEnv = {
  // One api instance and no load balancer to steer away from it: nothing to drain before stopping.
  SHUTDOWN_DRAIN_MS: '0',
  ...process.env,
  REDIS_URL: redisUrl,
  PORT: String(port),
};
// The api and worker get the runtime role's URL (set below) and nothing that could alter the schema.
delete base.DATABASE_OWNER_URL;
delete base.DATABASE_ADMIN_URL;
let env: NodeJS.ProcessEnv = base;
try {
  env = withInstallSecrets(base, { defaultFile: join(root, '.data', 'secrets.env'), say });
  const published = publishedSecretProblems(env);
  if (published.length > 0) throw new SecretsError(published);
} catch (error) {
  if (!(error instanceof SecretsError)) throw error;
  for (const problem of error.problems) console.error(`baton: invalid configuration: ${problem}`);
  await shutdown(1);
}
const host = env.HOST || '127.0.0.1';

say('building (cached after the first run)…');
if (stopping) await shutdown(0);
// Its own process group, so a stop reaches Nx's task processes too.
const build = track(
  spawn(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--outputStyle=static'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    // The build needs no secrets, so it is not given them.
    env: { ...base, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  }),
  (signal) => {
    try {
      if (build.pid) process.kill(-build.pid, signal);
    } catch {
      // the group is already gone
    }
  },
);
const built = await new Promise<number | null>((done) => {
  build.once('exit', done);
  build.once('error', () => done(null));
});
if (built !== 0) await fail('the build failed; run `npm run build` to see why.');

let firstAdmin: SeedResult['admin'];
try {
  // Migrations as the owner role; the seed, the demo content and the app as the runtime role.
  const { ownerUrl, runtimeUrl: databaseUrl } = await databaseRoleUrls({
    serverUrl,
    dataRoot: join(root, '.data'),
    env: process.env,
    say,
  });
  env.DATABASE_URL = databaseUrl;
  await deploy(ownerUrl, (line) => say(line), decodeURIComponent(new URL(databaseUrl).username));
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
  await fail(`database setup failed: ${error instanceof Error ? error.message : String(error)}`);
}

const crashes: Record<'api' | 'worker', number[]> = { api: [], worker: [] };
let ready = false;

function startProcess(name: 'api' | 'worker'): void {
  if (stopping) return;
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
    const how = signal ?? `code ${code}`;
    // A process that refuses to start (its reason is above) would refuse again: only a crash of a
    // product that was up is worth a restart.
    if (!ready) {
      say(`${name} exited (${how}) while starting; stopping everything.`);
      void shutdown(1);
      return;
    }
    crashes[name].push(Date.now());
    const next = afterCrash(crashes[name], Date.now());
    const window = `${RESTART_POLICY.windowMs / 60_000} minutes`;
    if ('giveUp' in next) {
      say(
        `${name} exited (${how}), its ${next.recentCrashes}th crash within ${window}; giving up and stopping everything.`,
      );
      void shutdown(1);
      return;
    }
    say(
      `${name} exited (${how}); restarting it in ${next.restartInMs / 1000} s ` +
        `(crash ${next.recentCrashes} of ${RESTART_POLICY.maxCrashes} allowed within ${window}).`,
    );
    setTimeout(() => {
      if (stopping) return;
      startProcess(name);
      say(`${name} restarted.`);
    }, next.restartInMs);
  });
  track(child);
}

startProcess('api');
startProcess('worker');

const deadline = Date.now() + 60_000;
for (;;) {
  if (stopping) break;
  try {
    // `ready`, not `degraded`: the worker is up too, so a process that exits from now on crashed.
    const response = await fetch(`http://${probeHost(host)}:${port}/api/health/ready`);
    if (response.ok && ((await response.json()) as { status?: string }).status === 'ready') break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    say('the api and worker did not become ready within 60 s; see their logs above.');
    await shutdown(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
if (!stopping) {
  ready = true;
  say(`ready — open ${publicUrl} (Ctrl-C or SIGTERM stops everything).`);
  say(
    ['127.0.0.1', 'localhost', '::1'].includes(host)
      ? `listening on ${host}:${port} only; set HOST=0.0.0.0 to accept other machines.`
      : `listening on ${host}:${port}.`,
  );
  // Names what opens the metrics endpoint, never the token itself.
  const scrapers = ['METRICS_ALLOW_NETWORKS', 'METRICS_TOKEN'].filter((name) => env[name]);
  say(
    scrapers.length > 0
      ? `Prometheus metrics at ${publicUrl}/api/metrics for scrapers that pass ${scrapers.join(' and ')}.`
      : 'Prometheus metrics (/api/metrics) are off: set METRICS_TOKEN and/or METRICS_ALLOW_NETWORKS to turn them on.',
  );
  // After the start-up logs, so it does not scroll away.
  if (firstAdmin) console.log(adminBanner(firstAdmin));
}
