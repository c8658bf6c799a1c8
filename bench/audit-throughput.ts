/**
 * Audit trail throughput: what the hash-chained, append-only trail costs writers, and how far
 * sealing falls behind them. Standalone; see bench/README.md.
 *
 *   npx tsx --conditions=@baton/source bench/audit-throughput.ts
 *
 * Env: BENCH_EVENTS (20000), BENCH_CONCURRENCY (20), BENCH_DATABASE_ADMIN_URL
 * (postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { pgRunner, verifyAuditChain } from '@baton/security';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runWithRequestContext, type Actor } from '../apps/api/src/common/http/request-context.js';
import { PrismaClient } from '../apps/api/src/generated/prisma/client.js';
import { AuditSealerService } from '../apps/api/src/modules/audit/audit-sealer.service.js';
import { AuditService, type AuditEntry } from '../apps/api/src/modules/audit/audit.service.js';
import type { PrismaService } from '../apps/api/src/prisma/prisma.service.js';
import { benchDatabase, runInBenchDatabase, wasInterrupted } from './bench-database.js';
import { positiveInt } from './bench-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const EVENTS = positiveInt('BENCH_EVENTS', 20_000);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 20);
const WARMUP = Math.min(500, Math.ceil(EVENTS / 10));
// The same batch size and idle pause as the worker's AuditSealerLoop (apps/api/src/modules/audit/
// audit-sealer.loop.ts). The loop itself cannot be loaded here: its constructor uses a parameter
// decorator, which tsx compiles only with experimentalDecorators, and this script runs without a tsconfig.
const SEAL_BATCH = 5000;
const SEAL_IDLE_MS = 200;
const LAG_SAMPLE_MS = 100;

const { database, databaseUrl } = benchDatabase();

/** A connection to the bench database; dropping the database on Ctrl-C cuts it, which is expected then. */
function benchClient(): pg.Client {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', (error) => {
    if (!wasInterrupted()) throw error;
  });
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.log(`bench: ${line}`);

/** Runs `task(0..count-1)` with at most `concurrency` in flight; returns the elapsed seconds. */
async function timed(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

// One realistic event: an admin renaming one of 100 users, from a request with an address and id.
const actor: Actor = { id: randomUUID(), email: 'bench-admin@example.test', roles: ['admin'] };
const targets = Array.from({ length: 100 }, () => randomUUID());
const entry = (i: number) =>
  ({
    action: 'user.updated',
    actor,
    target: { type: 'user', id: targets[i % targets.length] ?? null },
    data: { displayName: { from: `Name ${i}`, to: `Name ${i + 1}` } },
  }) satisfies AuditEntry;
const requestContext = () => ({ requestId: randomUUID(), ip: '10.20.30.40', userAgent: 'baton-bench/1.0' });

interface Results {
  startedAt: string;
  host: { node: string; cpus: number; postgres: string };
  events: number;
  concurrency: number;
  sealer: { batch: number; idleMs: number; batches: number; slowestBatchMs: number; largestBatch: number };
  baseline: { seconds: number; eventsPerSecond: number };
  audited: {
    writeSeconds: number;
    writeEventsPerSecond: number;
    sealedSeconds: number;
    sealedEventsPerSecond: number;
    maxUnsealedLagMs: number;
  };
  /** Events written outside a business transaction, one autocommitted statement each, sealer running. */
  singleStatement: { writeEventsPerSecond: number; sealedEventsPerSecond: number };
  ratioAuditedToBaseline: number;
  /** Not part of the comparison: the same audited writes with no sealer running, to tell write cost from sealing contention. */
  reference: { auditedWriteNoSealerEventsPerSecond: number };
  chain: { ok: boolean; checked: number; unsealed: number };
}

async function run(): Promise<Results> {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: CONCURRENCY + 1 }),
  });
  // The services only use the PrismaClient part of PrismaService (which adds Nest lifecycle hooks).
  const db = prisma as unknown as PrismaService;
  const audit = new AuditService(db);
  const sealer = new AuditSealerService(db);
  const probe = benchClient();
  await probe.connect();
  try {
    const [version] = (await probe.query<{ server_version: string }>('SHOW server_version')).rows;
    const postgres = version?.server_version ?? 'unknown';

    // Baseline table: audit_events' columns, defaults and indexes, but its own sequence and no
    // triggers, and nothing ever seals it.
    await probe.query(`
      CREATE SEQUENCE bench_plain_events_seq;
      CREATE TABLE bench_plain_events (LIKE audit_events INCLUDING DEFAULTS INCLUDING INDEXES);
      ALTER TABLE bench_plain_events ALTER COLUMN seq SET DEFAULT nextval('bench_plain_events_seq');
    `);
    const plainInsert = (i: number) => {
      const e = entry(i);
      const context = requestContext();
      return prisma.$transaction(
        (tx) =>
          tx.$executeRaw`
          INSERT INTO bench_plain_events
            (actor_id, actor_email, actor_roles, action, result, target_type, target_id, ip, user_agent, request_id, data)
          VALUES (${actor.id}::uuid, ${actor.email}, ${actor.roles}::text[], ${e.action}, 'success', ${e.target.type},
                  ${e.target.id}, ${context.ip}, ${context.userAgent}, ${context.requestId}, ${JSON.stringify(e.data)}::jsonb)`,
      );
    };
    const auditedWrite = (i: number) =>
      runWithRequestContext(requestContext(), () => prisma.$transaction((tx) => audit.record(tx, entry(i))));

    say(`${EVENTS} events, ${CONCURRENCY} concurrent transactions, database ${database}`);
    say(`warming up (${WARMUP} of each)`);
    await timed(WARMUP, CONCURRENCY, plainInsert);
    await timed(WARMUP, CONCURRENCY, auditedWrite);
    await sealer.sealAll();

    say('baseline: plain inserts, no chain');
    const baselineSeconds = await timed(EVENTS, CONCURRENCY, (i) => plainInsert(WARMUP + i));

    say('reference: AuditService.record with no sealer running');
    const noSealerSeconds = await timed(EVENTS, CONCURRENCY, (i) => auditedWrite(WARMUP + i));
    await sealer.sealAll();

    say('audited: AuditService.record while the sealer runs in its own process (as the worker does)');
    const sealerProcess = spawn(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['--conditions=@baton/source', path.join(root, 'bench', 'sealer-process.ts')],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          SEAL_BATCH: String(SEAL_BATCH),
          SEAL_IDLE_MS: String(SEAL_IDLE_MS),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const sealerLines = createInterface({ input: sealerProcess.stdout });
    const sealerOutput: string[] = [];
    await new Promise<void>((resolve, reject) => {
      sealerProcess.once('exit', (code) => reject(new Error(`the sealer process exited early (${code})`)));
      sealerLines.on('line', (line) => {
        sealerOutput.push(line);
        if (line === 'ready') resolve();
      });
    });
    const sealerDone = new Promise<void>((resolve) => sealerProcess.once('exit', () => resolve()));
    let sampling = true;
    let maxLagMs = 0;
    const lagSampler = (async () => {
      while (sampling) {
        const { rows } = await probe.query<{ lag_ms: string | null }>(
          `SELECT extract(epoch FROM clock_timestamp() - min(occurred_at)) * 1000 AS lag_ms
             FROM audit_events WHERE chain_pos IS NULL`,
        );
        if (rows[0] && rows[0].lag_ms !== null) maxLagMs = Math.max(maxLagMs, Number(rows[0].lag_ms));
        await sleep(LAG_SAMPLE_MS);
      }
    })();

    // Until the sealer has caught up with every event written so far.
    const untilSealed = async () => {
      const watcher = benchClient();
      await watcher.connect();
      try {
        for (;;) {
          const { rows } = await watcher.query('SELECT 1 FROM audit_events WHERE chain_pos IS NULL LIMIT 1');
          if (rows.length === 0) return;
          await sleep(10);
        }
      } finally {
        await watcher.end();
      }
    };

    let writeSeconds: number;
    let sealedSeconds: number;
    let singleWriteSeconds: number;
    let singleSealedSeconds: number;
    try {
      let started = performance.now();
      writeSeconds = await timed(EVENTS, CONCURRENCY, (i) => auditedWrite(WARMUP + i));
      await untilSealed();
      sealedSeconds = (performance.now() - started) / 1000;

      say(
        'audited, one statement per event (AuditService.recordNow, as denials and failed logins are written)',
      );
      started = performance.now();
      singleWriteSeconds = await timed(EVENTS, CONCURRENCY, (i) =>
        runWithRequestContext(requestContext(), () => audit.recordNow(entry(WARMUP + i))),
      );
      await untilSealed();
      singleSealedSeconds = (performance.now() - started) / 1000;
    } finally {
      sampling = false;
      sealerProcess.kill('SIGTERM');
      await Promise.all([sealerDone, lagSampler]);
    }
    const sealStats = JSON.parse(sealerOutput[sealerOutput.length - 1] ?? '{}') as {
      batches: number;
      slowestBatchMs: number;
      largestBatch: number;
    };

    say('verifying the chain');
    const chain = await verifyAuditChain(pgRunner(probe));
    const [written] = (await probe.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows;
    const expected = Number(written?.n);
    if (!chain.ok || chain.checked !== expected || chain.unsealed !== 0) {
      throw new Error(
        `the chain is not intact: ok=${chain.ok}, checked ${chain.checked} of ${expected}, ` +
          `${chain.unsealed} unsealed, first broken ${JSON.stringify(chain.firstBroken)}`,
      );
    }

    const round = (n: number, digits = 0) => Number(n.toFixed(digits));
    return {
      startedAt: new Date().toISOString(),
      host: { node: process.version, cpus: os.cpus().length, postgres },
      events: EVENTS,
      concurrency: CONCURRENCY,
      sealer: {
        batch: SEAL_BATCH,
        idleMs: SEAL_IDLE_MS,
        ...sealStats,
        slowestBatchMs: round(sealStats.slowestBatchMs),
      },
      baseline: { seconds: round(baselineSeconds, 3), eventsPerSecond: round(EVENTS / baselineSeconds) },
      audited: {
        writeSeconds: round(writeSeconds, 3),
        writeEventsPerSecond: round(EVENTS / writeSeconds),
        sealedSeconds: round(sealedSeconds, 3),
        sealedEventsPerSecond: round(EVENTS / sealedSeconds),
        maxUnsealedLagMs: round(maxLagMs),
      },
      ratioAuditedToBaseline: round(baselineSeconds / writeSeconds, 3),
      singleStatement: {
        writeEventsPerSecond: round(EVENTS / singleWriteSeconds),
        sealedEventsPerSecond: round(EVENTS / singleSealedSeconds),
      },
      reference: { auditedWriteNoSealerEventsPerSecond: round(EVENTS / noSealerSeconds) },
      chain: { ok: chain.ok, checked: chain.checked, unsealed: chain.unsealed },
    };
  } finally {
    await probe.end();
    await prisma.$disconnect();
  }
}

function table(r: Results): string {
  const rows: [string, string][] = [
    ['events × concurrency', `${r.events} × ${r.concurrency}`],
    ['baseline (plain insert)', `${r.baseline.eventsPerSecond} events/s`],
    ['audited write', `${r.audited.writeEventsPerSecond} events/s`],
    ['audited write + sealed', `${r.audited.sealedEventsPerSecond} events/s`],
    ['ratio audited / baseline', `${r.ratioAuditedToBaseline}`],
    ['audited, one statement each + sealed', `${r.singleStatement.sealedEventsPerSecond} events/s`],
    ['max unsealed lag', `${r.audited.maxUnsealedLagMs} ms`],
    [
      'sealer batches (slowest)',
      `${r.sealer.batches} (${r.sealer.slowestBatchMs} ms, ≤ ${r.sealer.largestBatch} events)`,
    ],
    ['(reference) audited write, no sealer', `${r.reference.auditedWriteNoSealerEventsPerSecond} events/s`],
    ['chain verified', `${r.chain.ok ? 'ok' : 'BROKEN'}, ${r.chain.checked} events`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

await runInBenchDatabase(root, { database, databaseUrl }, async () => {
  const results = await run();
  console.log(`\n${table(results)}\n`);
  const out = path.join(root, 'bench', 'results', 'audit-throughput.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  say(`results written to ${path.relative(root, out)}`);
});
