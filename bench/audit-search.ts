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
import { AUDIT_FILTERS, describeAuditEvents, insertAuditEvents } from './audit-fixtures.js';
import { positiveInt } from './bench-env.js';
import { timeCalls, type Timing } from './timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = positiveInt('BENCH_AUDIT_EVENTS', 1_000_000);
const SEARCHES = positiveInt('BENCH_SEARCHES', 30);

const say = (line: string) => console.log(`bench: ${line}`);

/**
 * The candidate, applied on top of the schema's indexes after the baseline is measured. The schema
 * took `(actor_email, seq)` and `(target_id, seq)` from an earlier candidate (email searches: 275 ms →
 * 4 ms p95); an actor's events by seq measured no better than the schema's `(actor_id, occurred_at)`.
 */
const CANDIDATE = ['CREATE INDEX bench_actor_id_seq ON audit_events (actor_id, seq)'];

async function timeFilters(search: AuditQueryService): Promise<Record<string, Timing>> {
  const result: Record<string, Timing> = {};
  for (const [name, filter] of Object.entries(AUDIT_FILTERS)) {
    result[name] = await timeCalls(SEARCHES, (i) => search.search({ limit: 50, ...filter(i) } as AuditQuery));
  }
  return result;
}

async function run(databaseUrl: string) {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  try {
    say(`writing ${describeAuditEvents(EVENTS)}`);
    const loadStarted = performance.now();
    await insertAuditEvents(prisma, EVENTS);
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
  const rows = Object.keys(AUDIT_FILTERS).map((name) => {
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
