import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

/**
 * Finds PostgreSQL and Redis for `npm start` and `npm test`: the URLs given in the environment,
 * else the local services on their standard ports, else private instances started in `.data/`
 * (ports 54329 and 63799) from the system's binaries.
 */

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/baton';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const PRIVATE_PG_PORT = 54329;
const PRIVATE_REDIS_PORT = 63799;

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  /** Stops what this call started (nothing when the services were already running). */
  stop(): Promise<void>;
}

export class ServiceError extends Error {}

type Say = (line: string) => void;

function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol.startsWith('redis') ? 6379 : 5432;
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

function postgresBinDir(): string | undefined {
  const initdb = which('initdb');
  if (initdb) return join(initdb, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

type Command = [string, ...string[]];

/**
 * PostgreSQL refuses to run as root; as root it runs as the `postgres` system user, which must own and
 * reach its data folder. When the checkout is not reachable for that user (a private home or temp folder),
 * the data goes under /var/tmp instead, and the user is told.
 */
function serviceAccount(
  dataRoot: string,
  say: Say,
): { root: string; wrap: (cmd: Command) => Command; own: () => void } {
  if (process.getuid?.() !== 0) return { root: dataRoot, wrap: (cmd) => cmd, own: () => undefined };
  const wrap = (cmd: Command): Command => ['runuser', '-u', 'postgres', '--', ...cmd];
  const [probe, ...probeArgs] = wrap(['test', '-x', dataRoot]);
  let root = dataRoot;
  if (spawnSync(probe, probeArgs, { cwd: '/' }).status !== 0) {
    root = join('/var/tmp', `baton-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 12)}`);
    say(`the postgres user cannot reach ${dataRoot}; keeping the private PostgreSQL in ${root}`);
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const chownTree = (path: string): void => {
    chownSync(path, uid, gid);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) chownTree(join(path, entry.name));
      else chownSync(join(path, entry.name), uid, gid);
    }
  };
  // The folder itself (the server writes its log there) and PostgreSQL's own folders; never the rest of
  // `.data/`, where the installation's secrets must stay readable by their owner only.
  const own = () => {
    chownSync(root, uid, gid);
    for (const name of ['postgres', 'postgres-run', 'postgres.log']) {
      const path = join(root, name);
      if (!existsSync(path)) continue;
      if (statSync(path).isDirectory()) chownTree(path);
      else chownSync(path, uid, gid);
    }
  };
  return { root, wrap, own };
}

function run([file, ...args]: Command, what: string): void {
  const result = spawnSync(file, args, { encoding: 'utf8', cwd: '/' });
  if (result.status !== 0) {
    throw new ServiceError(
      `${what} failed: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}

async function startPrivatePostgres(
  dataRoot: string,
  say: Say,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new ServiceError(
      'PostgreSQL is not running on 127.0.0.1:5432 and no PostgreSQL binaries were found to start a private one. ' +
        'Install PostgreSQL (apt-get install postgresql) or set DATABASE_URL.',
    );
  }
  mkdirSync(dataRoot, { recursive: true });
  const { root: pgRoot, wrap, own } = serviceAccount(dataRoot, say);
  const dir = join(pgRoot, 'postgres');
  const socketDir = join(pgRoot, 'postgres-run');
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  own();
  if (fresh) {
    say(`initialising a private PostgreSQL in ${dir}`);
    run(
      wrap([
        join(bin, 'initdb'),
        '-D',
        dir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-instructions',
      ]),
      'initdb',
    );
  }
  if (!(await portOpen('127.0.0.1', PRIVATE_PG_PORT))) {
    say(`starting a private PostgreSQL on 127.0.0.1:${PRIVATE_PG_PORT} (data in ${dir})`);
    const options = `-p ${PRIVATE_PG_PORT} -c listen_addresses=127.0.0.1 -k ${socketDir}`;
    run(
      wrap([
        join(bin, 'pg_ctl'),
        '-D',
        dir,
        '-o',
        options,
        '-l',
        join(pgRoot, 'postgres.log'),
        '-w',
        'start',
      ]),
      'pg_ctl start',
    );
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${PRIVATE_PG_PORT}/baton`,
    stop: async () => {
      say('stopping the private PostgreSQL');
      run(wrap([join(bin, 'pg_ctl'), '-D', dir, '-m', 'fast', '-w', 'stop']), 'pg_ctl stop');
    },
  };
}

async function startPrivateRedis(
  dataRoot: string,
  say: Say,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = which('redis-server');
  if (!server) {
    throw new ServiceError(
      'Redis is not running on 127.0.0.1:6379 and redis-server was not found to start a private one. ' +
        'Install it (apt-get install redis-server) or set REDIS_URL.',
    );
  }
  const dir = join(dataRoot, 'redis');
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  if (!(await portOpen('127.0.0.1', PRIVATE_REDIS_PORT))) {
    say(`starting a private Redis on 127.0.0.1:${PRIVATE_REDIS_PORT}`);
    run(
      [
        server,
        '--port',
        String(PRIVATE_REDIS_PORT),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'yes',
        '--pidfile',
        pidFile,
        '--logfile',
        join(dir, 'redis.log'),
      ],
      'redis-server',
    );
    for (let i = 0; i < 50 && !(await portOpen('127.0.0.1', PRIVATE_REDIS_PORT)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url: `redis://127.0.0.1:${PRIVATE_REDIS_PORT}`,
    stop: async () => {
      say('stopping the private Redis');
      const cli = which('redis-cli');
      if (cli) spawnSync(cli, ['-p', String(PRIVATE_REDIS_PORT), 'shutdown', 'nosave']);
    },
  };
}

export async function ensureLocalServices(options: {
  dataRoot: string;
  say: Say;
  env?: NodeJS.ProcessEnv;
}): Promise<LocalServices> {
  const env = options.env ?? process.env;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  /** The configured or standard URL when something listens there, else a private instance's URL. */
  const resolve = async (
    variable: 'DATABASE_URL' | 'REDIS_URL',
    fallback: string,
    label: string,
    startPrivate: (dataRoot: string, say: Say) => Promise<{ url: string; stop: () => Promise<void> }>,
  ): Promise<string> => {
    const url = env[variable] || fallback;
    const { host, port } = hostPort(url);
    if (await portOpen(host, port)) return url;
    if (env[variable]) {
      throw new ServiceError(
        `${label} is not reachable at ${host}:${port} (${variable}); start it or fix the URL.`,
      );
    }
    const started = await startPrivate(options.dataRoot, options.say);
    stops.push(started.stop);
    return started.url;
  };

  try {
    const databaseUrl = await resolve(
      'DATABASE_URL',
      DEFAULT_DATABASE_URL,
      'PostgreSQL',
      startPrivatePostgres,
    );
    const redisUrl = await resolve('REDIS_URL', DEFAULT_REDIS_URL, 'Redis', startPrivateRedis);
    return { databaseUrl, redisUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
