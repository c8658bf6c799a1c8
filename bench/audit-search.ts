/**
 * Audit log search at size: how long the audit screen's first page takes for each filter it offers,
 * over BENCH_AUDIT_EVENTS events, with the schema's indexes (the baseline) and with a candidate set of
 * indexes (`CANDIDATE` below), measured in the same run on the same rows. A tool to decide on audit
 * indexes with numbers: change `CANDIDATE`, run it, compare.
 *
 *   npx tsx --conditions=@baton/source bench/audit-search.ts
 *
 * Env: BENCH_AUDIT_EVENTS (1000000), BENCH_SEARCHES (30 per filter), BENCH_DATABASE_ADMIN_URL.
 * Each search goes through `AuditQueryService.search`, the code behind GET /audit/events (50 rows,
 * newest first), with the filter's value varied between searches. About two minutes at the default size.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { AuditQuery } from '@baton/contracts';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaClient } from '../apps/api/src/generated/prisma/client.js';
import type { AuditCheckpointService } from '../apps/api/src/modules/audit/audit-checkpoint.service.js';
import { AuditQueryService } from '../apps/api/src/modules/audit/audit-query.service.js';
import type { PrismaService } from '../apps/api/src/prisma/prisma.service.js';
import { benchDatabase, runInBenchDatabase, runSql } from './bench-database.js';
import { positiveInt } from './bench-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = positiveInt('BENCH_AUDIT_EVENTS', 1_000_000);
const SEARCHES = positiveInt('BENCH_SEARCHES', 30);
const ACTORS = 1_000;
const TARGETS = 50_000;
const DAYS = 90;
const ACTIONS = [
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.logged_out',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.transferred',
  'message.created',
  'user.updated',
  'queue.updated',
  'access.denied',
];
const TARGET_TYPES = ['conversation', 'user', 'queue', 'session'];

const say = (line: string) => console.log(`bench: ${line}`);

/**
 * The candidate, applied on top of the schema's indexes after the baseline is measured. The schema
 * took `(actor_email, seq)` and `(target_id, seq)` from an earlier candidate (email searches: 275 ms →
 * 4 ms p95); an actor's events by seq measured no better than the schema's `(actor_id, occurred_at)`.
 */
const CANDIDATE = ['CREATE INDEX bench_actor_id_seq ON audit_events (actor_id, seq)'];

// A few busy actors (integrations, the system, full-time agents) write most events; most people write few.
const BUSY_ACTORS = 10;
const BUSY_SHARE = 0.9;
const actorId = (i: number) => `00000000-0000-4000-8000-${String(i % ACTORS).padStart(12, '0')}`;
const targetId = (i: number) => `10000000-0000-4000-8000-${String(i % TARGETS).padStart(12, '0')}`;
const day = (i: number) => new Date(Date.now() - ((i % DAYS) + 1) * 86_400_000);

/** What people search for on the audit screen; `i` varies the value between searches. */
const FILTERS: Record<string, (i: number) => Partial<AuditQuery>> = {
  'latest page (no filter)': () => ({}),
  actor: (i) => ({ actorId: actorId(i * 37) }),
  'actor, one week': (i) => ({
    actorId: actorId(i * 37),
    from: day(i + 7).toISOString(),
    to: day(i).toISOString(),
  }),
  'actor email': (i) => ({ actorEmail: `agent${(i * 37) % ACTORS}@example.test` }),
  'actor email, no events': (i) => ({ actorEmail: `former${i}@example.test` }),
  action: (i) => ({ action: ACTIONS[i % ACTIONS.length] as AuditQuery['action'] }),
  'action, one day': (i) => ({
    action: ACTIONS[i % ACTIONS.length] as AuditQuery['action'],
    from: day(i + 1).toISOString(),
    to: day(i).toISOString(),
  }),
  'target id': (i) => ({ targetId: targetId(i * 101) }),
  'target type and id': (i) => ({
    targetType: TARGET_TYPES[(i * 101) % TARGET_TYPES.length],
    targetId: targetId(i * 101),
  }),
  denied: () => ({ result: 'denied' }),
  'one day': (i) => ({ from: day(i + 1).toISOString(), to: day(i).toISOString() }),
};

interface Timing {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function timeFilters(search: AuditQueryService): Promise<Record<string, Timing>> {
  const result: Record<string, Timing> = {};
  for (const [name, filter] of Object.entries(FILTERS)) {
    await search.search({ limit: 50, ...filter(SEARCHES) } as AuditQuery); // warm the cache for this shape
    const took: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const started = performance.now();
      await search.search({ limit: 50, ...filter(i) } as AuditQuery);
      took.push(performance.now() - started);
    }
    took.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    result[name] = {
      p50Ms: round(percentile(took, 50)),
      p95Ms: round(percentile(took, 95)),
      maxMs: round(took.at(-1) ?? 0),
    };
  }
  return result;
}

async function run(databaseUrl: string) {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  try {
    say(
      `writing ${EVENTS} events (${ACTORS} actors, ${BUSY_ACTORS} of them writing ${BUSY_SHARE * 100} %; ` +
        `${TARGETS} targets; ${DAYS} days)`,
    );
    const loadStarted = performance.now();
    // Oldest first, so seq and time grow together as they do in a live trail.
    await prisma.$executeRaw`
      INSERT INTO audit_events (occurred_at, actor_id, actor_email, actor_roles, action, target_type, target_id,
                                result, ip, request_id, data)
      SELECT now() - make_interval(days => ${DAYS}::int) + (g * make_interval(days => ${DAYS}::int)) / ${EVENTS}::int,
             ('00000000-0000-4000-8000-' || lpad(a.n::text, 12, '0'))::uuid,
             'agent' || a.n || '@example.test',
             ARRAY['agent'],
             (${ACTIONS}::text[])[1 + (g * 7) % ${ACTIONS.length}::int],
             (${TARGET_TYPES}::text[])[1 + (g % ${TARGETS}::int) % ${TARGET_TYPES.length}::int],
             '10000000-0000-4000-8000-' || lpad((g % ${TARGETS}::int)::text, 12, '0'),
             (CASE WHEN g % 97 = 0 THEN 'denied' ELSE 'success' END)::"AuditResult",
             '10.20.30.40', gen_random_uuid()::text, '{}'::jsonb
        FROM generate_series(1, ${EVENTS}::int) AS g,
             LATERAL (SELECT CASE WHEN g % 100 < ${Math.round(BUSY_SHARE * 100)}::int THEN g % ${BUSY_ACTORS}::int
                                  ELSE ${BUSY_ACTORS}::int + g % ${ACTORS - BUSY_ACTORS}::int END AS n) AS a`;
    await prisma.$executeRaw`ANALYZE audit_events`;
    const loadSeconds = Math.round((performance.now() - loadStarted) / 100) / 10;

    // The search service reads only Prisma; checkpoints are for verification, not searched here.
    const search = new AuditQueryService(
      prisma as unknown as PrismaService,
      null as unknown as AuditCheckpointService,
    );
    await timeFilters(search); // one pass to bring the table and indexes into memory, not counted
    say("searching with the schema's indexes (baseline)");
    const baseline = await timeFilters(search);
    say('searching with the candidate indexes');
    const buildStarted = performance.now();
    await runSql(databaseUrl, [...CANDIDATE, 'ANALYZE audit_events']);
    const candidateBuildSeconds = Math.round((performance.now() - buildStarted) / 100) / 10;
    const candidate = await timeFilters(search);
    return { loadSeconds, candidateBuildSeconds, baseline, candidate };
  } finally {
    await prisma.$disconnect();
  }
}

const bench = benchDatabase();
await runInBenchDatabase(root, bench, async () => {
  const loadBefore = os.loadavg()[0] ?? 0;
  const { loadSeconds, candidateBuildSeconds, baseline, candidate } = await run(bench.databaseUrl);
  const loadAfter = os.loadavg()[0] ?? 0;
  const rows = Object.keys(FILTERS).map((name) => {
    const base = baseline[name] as Timing;
    const cand = candidate[name] as Timing;
    return {
      name,
      baseline: base,
      candidate: cand,
      p95Ratio: Math.round((cand.p95Ms / Math.max(base.p95Ms, 0.1)) * 100) / 100,
    };
  });
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `\n  ${'filter (first page of 50)'.padEnd(width)}  baseline p50/p95   candidate p50/p95  p95 candidate/baseline`,
  );
  for (const r of rows) {
    const cell = (t: Timing) => `${t.p50Ms} / ${t.p95Ms} ms`.padEnd(18);
    console.log(`  ${r.name.padEnd(width)}  ${cell(r.baseline)} ${cell(r.candidate)} ${r.p95Ratio}`);
  }
  console.log(
    `\n  ${EVENTS} events written in ${loadSeconds} s; candidate indexes built in ${candidateBuildSeconds} s; ` +
      `${SEARCHES} searches per filter; ` +
      `load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.cpus().length} cores\n`,
  );
  const out = path.join(root, 'bench', 'results', 'audit-search.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const results = {
    startedAt: new Date().toISOString(),
    host: {
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: { before: loadBefore, after: loadAfter },
    },
    events: EVENTS,
    searchesPerFilter: SEARCHES,
    candidate: CANDIDATE,
    loadSeconds,
    candidateBuildSeconds,
    filters: rows,
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  say(`results written to ${path.relative(root, out)}`);
});
