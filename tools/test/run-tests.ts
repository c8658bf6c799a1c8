/**
 * `npm test`: the whole suite. Typecheck, lint and build, then every Vitest project (unit,
 * integration against real PostgreSQL and Redis, the fault suite against the built processes, browser
 * flows: `vitest.config.ts` says which run alone). PostgreSQL and Redis are found or started
 * as for `npm start`. Arguments after `--` go to Vitest (`--project faults` alone is `npm run
 * test:faults`); `--no-checks` skips the typecheck and lint steps for a quicker loop.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalServices, ServiceError, type LocalServices } from '../start/local-services.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const skipChecks = args.includes('--no-checks');
const vitestArgs = args.filter((a) => a !== '--no-checks');
const say = (line: string) => console.log(`baton test: ${line}`);

let services: LocalServices;
try {
  services = await ensureLocalServices({ dataRoot: join(root, '.data'), say });
} catch (error) {
  console.error(`baton test: ${error instanceof ServiceError ? error.message : String(error)}`);
  process.exit(1);
}

const adminUrl = Object.assign(new URL(services.databaseUrl), { pathname: '/postgres' }).toString();
const env = {
  ...process.env,
  TEST_DATABASE_ADMIN_URL: adminUrl,
  REDIS_URL: services.redisUrl,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};
const nx = join(root, 'node_modules', '.bin', 'nx');
const vitest = join(root, 'node_modules', '.bin', 'vitest');

/** Runs one stage with its timing; returns false when it failed. */
type Command = [string, ...string[]];

function step(name: string, [file, ...rest]: Command): boolean {
  const started = Date.now();
  say(`▶ ${name}`);
  const result = spawnSync(file, rest, { cwd: root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(`${result.status === 0 ? '✓' : '✗'} ${name} (${seconds} s)`);
  return result.status === 0;
}

const report = join(tmpdir(), `baton-vitest-${process.pid}.json`);
const stages: [string, Command][] = [
  ...(skipChecks
    ? []
    : ([
        ['typecheck', [nx, 'run-many', '-t', 'typecheck', '--outputStyle=static']],
        ['lint', [nx, 'run-many', '-t', 'lint', '--outputStyle=static']],
      ] as [string, Command][])),
  ['build', [nx, 'run-many', '-t', 'build', '--outputStyle=static']],
  [
    'tests',
    [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs],
  ],
];

let ok = true;
for (const [name, command] of stages) {
  ok = step(name, command);
  if (!ok) break;
}
await services.stop();

// One closing line in the common `N passed, N failed` form.
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  rmSync(report, { force: true });
  console.log(
    `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`,
  );
  if (results.numPassedTests === 0) ok = false;
}
process.exit(ok ? 0 : 1);
