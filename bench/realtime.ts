/**
 * The realtime and handoff benchmark: the built API and worker as child processes on a fresh
 * database, real socket.io clients, the real handoff API, and a bare socket.io relay measured with
 * the same clients in the same run. See bench/README.md.
 *
 *   npm run bench                         the short profile (a few minutes)
 *   npm run bench -- --profile full       the full sizes
 *   npm run bench -- --profile storm      one scenario at full size (messages, storm, idle, instances)
 *   npm run bench -- --scenario messages,storm   some scenarios of the chosen profile
 *   npm run bench -- --scenario messages --rates 500   the message path at these rates only
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchDatabase, runInBenchDatabase, wasInterrupted } from './bench-database.js';
import { handoffStorm, type StormResult } from './realtime/handoff-storm.js';
import { idleSockets, type IdleResult } from './realtime/idle-sockets.js';
import {
  describeStep,
  highestRateWithin100ms,
  measuredStep,
  messageRamp,
  type SkippedStep,
  type StepRow,
} from './realtime/message-path.js';
import { MessageSwarm } from './realtime/clients.js';
import { Seeder, type SeededCustomer, type SeededStaff } from './realtime/seed.js';
import { BatonStack, buildApi, checkServices, dropRedisPrefix, startRelay } from './realtime/stack.js';
import { load, round, table } from './realtime/stats.js';
import { cpuMeter } from '../apps/api/test/support/processes.js';

const SCENARIOS = ['messages', 'storm', 'idle', 'instances'] as const;
/** How long the instances scenario watches the API processes with no message flowing. */
const IDLE_WINDOW_MS = 5_000;
type Scenario = (typeof SCENARIOS)[number];

interface Profile {
  scenarios: readonly Scenario[];
  messages: { agents: number; customers: number; rates: number[]; seconds: number };
  storm: { handoffs: number; seconds: number; agents: number };
  idle: { sockets: number };
  instances: { counts: number[]; rate: number; seconds: number };
}

const FULL: Profile = {
  scenarios: SCENARIOS,
  messages: { agents: 100, customers: 500, rates: [25, 50, 100, 250, 500, 750, 1000], seconds: 10 },
  storm: { handoffs: 2000, seconds: 10, agents: 100 },
  // The API holds one descriptor per socket and its hard limit here is 20,000: room for the rest.
  idle: { sockets: 19_500 },
  instances: { counts: [1, 2, 3], rate: 250, seconds: 10 },
};

const PROFILES: Record<string, Profile> = {
  short: {
    scenarios: SCENARIOS,
    messages: { agents: 100, customers: 500, rates: [25, 100, 250, 500], seconds: 8 },
    storm: { handoffs: 300, seconds: 5, agents: 20 },
    idle: { sockets: 2000 },
    instances: { counts: [1, 2, 3], rate: 100, seconds: 8 },
  },
  full: FULL,
  ...Object.fromEntries(SCENARIOS.map((scenario) => [scenario, { ...FULL, scenarios: [scenario] }])),
};

function parseArgs(): { profileName: string; profile: Profile } {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const profileName = value('--profile') ?? 'short';
  const base = PROFILES[profileName];
  if (!base) throw new Error(`unknown profile "${profileName}"; one of: ${Object.keys(PROFILES).join(', ')}`);
  const only = value('--scenario')?.split(',');
  const unknown = only?.filter((s) => !SCENARIOS.includes(s as Scenario));
  if (unknown?.length)
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; one of: ${SCENARIOS.join(', ')}`);
  const rates = value('--rates')?.split(',').map(Number);
  if (rates?.some((r) => !Number.isFinite(r) || r <= 0))
    throw new Error('--rates takes positive messages per second, e.g. --rates 100,500');
  return {
    profileName,
    profile: {
      ...base,
      ...(only && { scenarios: only as Scenario[] }),
      ...(rates && { messages: { ...base.messages, rates } }),
    },
  };
}

const benchRoot = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(process.env.BENCH_BATON_ROOT || path.join(benchRoot, '..'));
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const redisPrefix = `baton-bench-${runId}`;
const started = performance.now();
const say = (line: string) =>
  console.log(`bench [${round((performance.now() - started) / 1000, 0)} s]: ${line}`);

const { profileName, profile } = (() => {
  try {
    return parseArgs();
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(2);
  }
})();
const resultsDir = path.join(benchRoot, 'results');
const logDir = path.join(resultsDir, `logs-${profileName}`);
mkdirSync(resultsDir, { recursive: true });

interface Results {
  profile: string;
  batonRoot: string;
  startedAt: string;
  seconds?: number;
  machine: { cpus: number; loadAtStart: number[]; loadAtEnd?: number[] };
  sizes: Profile;
  messages?: {
    agents: number;
    customers: number;
    baton: { connectSeconds: number; steps: (StepRow | SkippedStep)[] };
    relay: { connectSeconds: number; steps: (StepRow | SkippedStep)[] };
    highestRateP99Within100ms: { baton: number | null; relay: number | null };
  };
  storm?: StormResult;
  idle?: { baton: IdleResult; relay: IdleResult };
  instances?: {
    rate: number;
    runs: (StepRow & {
      instances: number;
      apiCpuRatio: number;
      /** CPU the API processes used per second with no message flowing (heartbeats, timers), summed. */
      apiIdleCpuMsPerSecond: number;
      /** API CPU per message less that idle use over the step, and its ratio against one instance. */
      apiNetCpuMsPerMessage: number;
      apiNetCpuRatio: number;
    })[];
  };
  /** Error and fatal lines each measured process logged over the whole run (details in its log file). */
  logErrors?: Record<string, number>;
}

const results: Results = {
  profile: profileName,
  batonRoot: root,
  startedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, loadAtStart: load() },
  sizes: profile,
};
const resultsFile = path.join(resultsDir, `${profileName}.json`);
/** Written after every scenario, so an interrupted run keeps what it measured. */
const save = () => writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

const isStep = (s: StepRow | SkippedStep): s is StepRow => 'sent' in s;

function messagesTable(m: NonNullable<Results['messages']>): string {
  const rows = (['baton', 'relay'] as const).flatMap((target) =>
    m[target].steps.map((s) =>
      isStep(s)
        ? [
            target,
            s.rate,
            s.sent,
            s.errors,
            s.achievedRate,
            s.latency.p50,
            s.latency.p95,
            s.latency.p99,
            s.ack.p99,
            s.cpuMsPerMessage.api ?? s.cpuMsPerMessage.relay ?? null,
            s.cpuMsPerMessage.worker ?? null,
            s.sqlPerMessage?.total ?? null,
            s.load[0] ?? null,
          ]
        : [target, s.rate, s.skipped, null, null, null, null, null, null, null, null, null, null],
    ),
  );
  return [
    `Message path (${m.agents} agents, ${m.customers} customers; latency = send → delivered to the other side, ms)`,
    table(
      [
        'target',
        'msg/s',
        'sent',
        'errors',
        'achieved',
        'p50',
        'p95',
        'p99',
        'ack p99',
        'server CPU ms/msg',
        'worker CPU ms/msg',
        'SQL/msg',
        'load',
      ],
      rows,
    ),
    `highest rate with p99 ≤ 100 ms: Baton ${m.highestRateP99Within100ms.baton ?? 'none'} msg/s, relay ${m.highestRateP99Within100ms.relay ?? 'none'} msg/s`,
  ].join('\n');
}

function stormTable(s: StormResult): string {
  return [
    `Handoff storm (${s.handoffs} handoffs in ${s.seconds} s to ${s.agents} agents × 5 seats)`,
    table(
      ['figure', 'value'],
      [
        ['HTTP statuses', JSON.stringify(s.statuses)],
        ['errors (non-2xx or no answer)', s.errors],
        ['handoffs served /s', s.servedPerSecond],
        ['HTTP p50 / p99 ms', `${s.http.p50} / ${s.http.p99}`],
        ['cases created (SQL)', s.created],
        ['seated (assignment on the agent socket)', `${s.seated} of ${s.seats} seats`],
        ['assigned (SQL) but never announced', s.unannounced],
        ['request → agent notified p50 / p99 ms', `${s.notify.p50} / ${s.notify.p99}`],
        ['still queued / told their position (webhook)', `${s.waiting} / ${s.toldPosition}`],
        ['webhook calls', JSON.stringify(s.webhookCalls)],
        ['double assignments (SQL) / announcements', `${s.doubleAssignments} / ${s.doubleAnnouncements}`],
        ['agents over capacity (SQL)', s.agentsOverCapacity],
        ['CPU ms per handoff (API / worker)', `${s.cpuMsPerHandoff.api} / ${s.cpuMsPerHandoff.worker}`],
        ['SQL per handoff (API / worker)', `${s.sqlPerHandoff.api} / ${s.sqlPerHandoff.worker}`],
        ['load', s.load.join(' ')],
      ],
    ),
  ].join('\n');
}

function idleTable(idle: NonNullable<Results['idle']>): string {
  const rows = (['baton', 'relay'] as const).map((target) => {
    const r = idle[target];
    return [
      target,
      r.sockets,
      r.connected,
      r.failed,
      r.connectSeconds,
      r.rssBeforeMiB,
      r.rssAfterMiB,
      r.rssPerSocketKiB,
      r.handshakeCpuMs,
      r.load[0] ?? null,
    ];
  });
  return [
    'Idle customer sockets (one server process)',
    table(
      [
        'target',
        'sockets',
        'connected',
        'failed',
        'connect s',
        'RSS before MiB',
        'RSS after MiB',
        'KiB/socket',
        'handshake CPU ms',
        'load',
      ],
      rows,
    ),
  ].join('\n');
}

function instancesTable(r: NonNullable<Results['instances']>): string {
  return [
    `API instances (${r.rate} msg/s; clients spread over the instances; CPU summed over every API process)`,
    table(
      [
        'instances',
        'sent',
        'errors',
        'p50',
        'p99',
        'API CPU ms/msg',
        'ratio vs 1',
        'idle API CPU ms/s',
        'net API CPU ms/msg',
        'net ratio vs 1',
        'worker CPU ms/msg',
        'SQL/msg',
        'load',
      ],
      r.runs.map((run) => [
        run.instances,
        run.sent,
        run.errors,
        run.latency.p50,
        run.latency.p99,
        run.cpuMsPerMessage.api ?? null,
        run.apiCpuRatio,
        run.apiIdleCpuMsPerSecond,
        run.apiNetCpuMsPerMessage,
        run.apiNetCpuRatio,
        run.cpuMsPerMessage.worker ?? null,
        run.sqlPerMessage?.total ?? null,
        run.load[0] ?? null,
      ]),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  say(`profile ${profileName}: ${profile.scenarios.join(', ')}; API from ${root}`);
  await checkServices(redisUrl);
  buildApi(root, say);
  const target = benchDatabase();
  // Registered before runInBenchDatabase's own handler (which drops the database and exits), so the
  // run's Redis keys go too on Ctrl-C; the children are killed on exit (apps/api/test/support/processes.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void dropRedisPrefix(redisUrl, redisPrefix).catch(() => undefined));
  await runInBenchDatabase(root, target, async () => {
    const db = new pg.Client({ connectionString: target.databaseUrl });
    db.on('error', (error) => {
      if (!wasInterrupted()) throw error;
    });
    await db.connect();
    say(`database ${target.database} migrated; starting the worker and the API (logs in ${logDir})…`);
    const stack = await BatonStack.prepare({
      root,
      databaseUrl: target.databaseUrl,
      redisUrl,
      redisPrefix,
      logDir,
    });
    try {
      const seeder = new Seeder(db, stack.env);
      await stack.startWorker();
      await stack.startApi();

      const runTag = runId.slice(-6);
      let fixture: { agents: SeededStaff[]; customers: SeededCustomer[] } | undefined;
      /** The message path's agents and customers, seeded once for the scenarios that use them. */
      const messageFixture = async () => {
        if (fixture) return fixture;
        const { agents: agentCount, customers: customerCount } = profile.messages;
        say(
          `seeding ${agentCount} signed-in agents and ${customerCount} customers in assigned conversations…`,
        );
        const channelId = await seeder.webchatChannel(`Bench web ${runTag}`);
        const queueId = await seeder.queue(`Bench messages ${runTag}`);
        const agents = await seeder.staff(agentCount, { role: 'agent', tag: `msg-${runTag}`, capacity: 5 });
        const visitors = await seeder.visitors(channelId, customerCount);
        fixture = {
          agents,
          customers: await seeder.assignedConversations(channelId, queueId, visitors, agents),
        };
        return fixture;
      };
      const withRelay = async <T>(body: (relay: Awaited<ReturnType<typeof startRelay>>) => Promise<T>) => {
        const relay = await startRelay(benchRoot, logDir);
        try {
          return await body(relay);
        } finally {
          await relay.child.stop();
        }
      };

      for (const scenario of profile.scenarios) {
        await stack.quiet();
        if (scenario === 'messages') {
          const { agents, customers } = await messageFixture();
          const { rates, seconds } = profile.messages;
          const baton = await messageRamp({
            target: { kind: 'baton', bases: [stack.firstApi.base] },
            label: 'Baton',
            agents,
            customers,
            rates,
            seconds,
            processes: { api: [stack.firstApi.child], worker: [stack.worker] },
            sql: { api: stack.apiSql, worker: stack.workerSql },
            say,
          });
          await stack.quiet();
          const relay = await withRelay((r) =>
            messageRamp({
              target: { kind: 'relay', bases: [r.base] },
              label: 'relay',
              agents,
              customers,
              rates,
              seconds,
              processes: { relay: [r.child] },
              sql: null,
              say,
            }),
          );
          results.messages = {
            agents: agents.length,
            customers: customers.length,
            baton,
            relay,
            highestRateP99Within100ms: {
              baton: highestRateWithin100ms(baton.steps),
              relay: highestRateWithin100ms(relay.steps),
            },
          };
          console.log(`\n${messagesTable(results.messages)}\n`);
        } else if (scenario === 'storm') {
          results.storm = await handoffStorm({ stack, seeder, db, ...profile.storm, say });
          console.log(`\n${stormTable(results.storm)}\n`);
        } else if (scenario === 'idle') {
          const channelId = await seeder.webchatChannel(`Bench idle ${runTag}`);
          say(`seeding ${profile.idle.sockets} idle visitors…`);
          const customers = await seeder.visitors(channelId, profile.idle.sockets);
          // A fresh instance, like the relay: what earlier scenarios left in the first one's heap (and
          // its collection, which may come at any time) would blur the memory figures.
          await stack.startApi();
          const baton = await idleSockets({
            target: { kind: 'baton', bases: [stack.newestApi.base] },
            server: stack.newestApi.child,
            customers,
            benchRoot,
            say,
            label: 'Baton',
          }).finally(() => stack.stopApi());
          await stack.quiet();
          const relay = await withRelay((r) =>
            idleSockets({
              target: { kind: 'relay', bases: [r.base] },
              server: r.child,
              customers,
              benchRoot,
              say,
              label: 'relay',
            }),
          );
          results.idle = { baton, relay };
          console.log(`\n${idleTable(results.idle)}\n`);
        } else {
          const { agents, customers } = await messageFixture();
          const { counts, rate, seconds } = profile.instances;
          const runs: NonNullable<Results['instances']>['runs'] = [];
          try {
            for (const count of counts) {
              while (stack.apis.length < count) await stack.startApi();
              await stack.quiet();
              say(`instances: ${count} API instance(s), ${rate} msg/s…`);
              const swarm = await MessageSwarm.connect(
                { kind: 'baton', bases: stack.bases.slice(0, count) },
                agents,
                customers,
              );
              try {
                // Every instance runs the message path warm, as the first one does after the ramp: a new
                // instance's first messages take unoptimised code, which is not what a message costs.
                await swarm.run(rate, seconds, 5_000);
                await stack.quiet();
                const apis = stack.apis.slice(0, count);
                const idleMeter = cpuMeter(apis);
                await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
                const idleMsPerSecond = idleMeter.read() / (IDLE_WINDOW_MS / 1000);
                const row = await measuredStep(
                  swarm,
                  rate,
                  seconds,
                  { api: stack.apis.slice(0, count), worker: [stack.worker] },
                  { api: stack.apiSql, worker: stack.workerSql },
                );
                const api = row.cpuMsPerMessage.api ?? 0;
                const one = runs[0]?.cpuMsPerMessage.api ?? api;
                const net = row.sent > 0 ? Math.max(0, api - (idleMsPerSecond * seconds) / row.sent) : 0;
                const oneNet = runs[0]?.apiNetCpuMsPerMessage ?? net;
                runs.push({
                  ...row,
                  instances: count,
                  apiCpuRatio: round(api / one, 2),
                  apiIdleCpuMsPerSecond: round(idleMsPerSecond, 1),
                  apiNetCpuMsPerMessage: round(net, 3),
                  apiNetCpuRatio: round(net / oneNet, 2),
                });
                say(describeStep(`${count} instance(s):`, row));
              } finally {
                swarm.close();
              }
            }
          } finally {
            while (stack.apis.length > 1) await stack.stopApi();
          }
          results.instances = { rate, runs };
          console.log(`\n${instancesTable(results.instances)}\n`);
        }
        save();
      }
    } finally {
      results.logErrors = Object.fromEntries(
        [...stack.started].map((child) => [child.name, child.errorLines()]),
      );
      await stack.close();
      await db.end().catch(() => undefined);
      await dropRedisPrefix(redisUrl, redisPrefix).catch((error: unknown) =>
        console.error(`bench: could not remove the Redis keys ${redisPrefix}*:`, error),
      );
    }
    results.seconds = round((performance.now() - started) / 1000, 0);
    results.machine.loadAtEnd = load();
    save();
    const tables = [
      results.messages && messagesTable(results.messages),
      results.storm && stormTable(results.storm),
      results.idle && idleTable(results.idle),
      results.instances && instancesTable(results.instances),
    ].filter(Boolean);
    console.log(
      `\n=== Summary (${profileName}, ${results.seconds} s, load ${results.machine.loadAtStart.join(' ')} → ${results.machine.loadAtEnd.join(' ')}) ===\n`,
    );
    console.log(tables.join('\n\n'));
    console.log(`\nerror lines in the logs of ${logDir}: ${JSON.stringify(results.logErrors)}`);
    console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)}`);
  });
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
