/**
 * Every list and filter at size: the inbox, the conversation page, the supervisor overview and the
 * audit screen, timed through the API's own query services over generated data, and how fast
 * `npm run audit:verify` walks the sealed chain.
 *
 *   npx tsx --conditions=@baton/source bench/reads-at-size.ts
 *   BENCH_CONVERSATIONS=1000000 BENCH_MESSAGES=10000000 BENCH_AUDIT_EVENTS=10000000 \
 *     npx tsx --conditions=@baton/source bench/reads-at-size.ts          # the full run (about an hour)
 *
 * Env: BENCH_CONVERSATIONS (100000), BENCH_MESSAGES (1000000), BENCH_AUDIT_EVENTS (1000000),
 * BENCH_QUEUES (100), BENCH_AGENTS (1000), BENCH_CALLS (30 per measure), BENCH_DATABASE_ADMIN_URL.
 * Everything is written with set-based SQL (`generate_series`), then sealed by the audit sealer in
 * large batches, as the worker would seal it.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ZConversationListQuery,
  type AuditQuery,
  type ConversationCursor,
  type ConversationListView,
} from '@baton/contracts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgRunner, verifyAuditChain } from '@baton/security';
import type { AuthSession } from '../apps/api/src/common/decorators/current-session.decorator.js';
import { PrismaClient } from '../apps/api/src/generated/prisma/client.js';
import type { AuditCheckpointService } from '../apps/api/src/modules/audit/audit-checkpoint.service.js';
import { AuditQueryService } from '../apps/api/src/modules/audit/audit-query.service.js';
import { AuditSealerService } from '../apps/api/src/modules/audit/audit-sealer.service.js';
import { ConversationsService } from '../apps/api/src/modules/conversations/conversations.service.js';
import { SupervisorOverviewService } from '../apps/api/src/modules/routing/supervisor-overview.service.js';
import type { PrismaService } from '../apps/api/src/prisma/prisma.service.js';
import { AUDIT_FILTERS, describeAuditEvents, insertAuditEvents } from './audit-fixtures.js';
import { benchDatabase, runInBenchDatabase } from './bench-database.js';
import { positiveInt } from './bench-env.js';
import { timeCalls, type Timing } from './timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONVERSATIONS = positiveInt('BENCH_CONVERSATIONS', 100_000);
const MESSAGES = positiveInt('BENCH_MESSAGES', 1_000_000);
const AUDIT_EVENTS = positiveInt('BENCH_AUDIT_EVENTS', 1_000_000);
const QUEUES = positiveInt('BENCH_QUEUES', 100);
const AGENTS = positiveInt('BENCH_AGENTS', 1_000);
const CALLS = positiveInt('BENCH_CALLS', 30);
/** Each agent belongs to this many queues; one in twenty members supervises the queue. */
const QUEUES_PER_AGENT = 5;
/** Sealing batch: the worker's, which keeps each transaction within Prisma's 5 s on a loaded machine. */
const SEAL_BATCH = 5_000;

/** 2 % of the conversations wait in a queue, the newest ones. */
const waiting = Math.ceil(CONVERSATIONS * 0.02);

const say = (line: string) => console.log(`bench: ${line}`);
const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const agentId = (n: number) => uuid('20000000', n % AGENTS);
const queueId = (n: number) => uuid('30000000', n % QUEUES);

/**
 * Queues, agents and their memberships, channels and contacts, then the conversations: most of them
 * closed long ago, 2 % waiting (a third of those in the busiest queue, the rest spread), three assigned
 * to every agent. Messages: about MESSAGES / CONVERSATIONS each, every thousandth conversation twenty
 * times as long.
 */
async function generate(prisma: PrismaClient): Promise<void> {
  // The bench database is its own: triggers and foreign keys are skipped while loading.
  await prisma.$executeRaw`SET session_replication_role = replica`;
  await prisma.$executeRaw`
    INSERT INTO queues (id, name, priority, sla_first_response_seconds, updated_at)
    SELECT ('30000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'Queue ' || g, g % 3, 300, now()
      FROM generate_series(0, ${QUEUES - 1}::int) AS g`;
  await prisma.$executeRaw`
    INSERT INTO users (id, email, display_name, password_hash, must_change_password, updated_at)
    SELECT ('20000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'agent' || g || '@example.test',
           'Agent ' || lpad(g::text, 5, '0'), 'x', false, now()
      FROM generate_series(0, ${AGENTS - 1}::int) AS g`;
  await prisma.$executeRaw`
    INSERT INTO agent_states (user_id, presence, capacity, active_count, updated_at)
    SELECT ('20000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
           (ARRAY['available', 'away', 'offline']::"Presence"[])[1 + g % 3], 5, 3, now()
      FROM generate_series(0, ${AGENTS - 1}::int) AS g`;
  await prisma.$executeRaw`
    INSERT INTO queue_members (queue_id, user_id, skills, is_supervisor)
    SELECT ('30000000-0000-4000-8000-' || lpad(((g * ${QUEUES_PER_AGENT}::int + k) % ${QUEUES}::int)::text, 12, '0'))::uuid,
           ('20000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, '{}', g % 20 = 0
      FROM generate_series(0, ${AGENTS - 1}::int) AS g, generate_series(0, ${QUEUES_PER_AGENT - 1}::int) AS k
    ON CONFLICT DO NOTHING`;
  await prisma.$executeRaw`
    INSERT INTO channels (id, kind, name, updated_at)
    VALUES ('40000000-0000-4000-8000-000000000000', 'webchat', 'Website', now())`;
  await prisma.$executeRaw`
    INSERT INTO contacts (id, channel_id, external_id, updated_at)
    SELECT ('50000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
           '40000000-0000-4000-8000-000000000000', 'visitor-' || g, now()
      FROM generate_series(0, ${Math.ceil(CONVERSATIONS / 3)}::int) AS g`;
  const assigned = AGENTS * 3;
  await prisma.$executeRaw`
    INSERT INTO conversations (id, channel_id, contact_id, status, queue_id, assignee_id, priority,
                               waiting_since, first_response_due_at, assigned_at, created_at, updated_at,
                               resolved_at, closed_at, resolution)
    SELECT ('60000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
           '40000000-0000-4000-8000-000000000000',
           ('50000000-0000-4000-8000-' || lpad((g / 3)::text, 12, '0'))::uuid,
           s.status::"ConversationStatus",
           ('30000000-0000-4000-8000-' || lpad(q.n::text, 12, '0'))::uuid,
           CASE WHEN s.status = 'queued' THEN NULL
                ELSE ('20000000-0000-4000-8000-' || lpad((g % ${AGENTS}::int)::text, 12, '0'))::uuid END,
           CASE WHEN g % 10 = 0 THEN 1 ELSE 0 END,
           t.at, t.at + interval '5 minutes',
           CASE WHEN s.status = 'queued' THEN NULL ELSE t.at + interval '1 minute' END,
           t.at, t.at,
           CASE WHEN s.status IN ('resolved', 'closed') THEN t.at + interval '20 minutes' END,
           CASE WHEN s.status = 'closed' THEN t.at + interval '1 hour' END,
           CASE WHEN s.status IN ('resolved', 'closed') THEN 'result_ok' END
      FROM generate_series(0, ${CONVERSATIONS - 1}::int) AS g,
           LATERAL (SELECT CASE WHEN g >= ${CONVERSATIONS - waiting}::int THEN 'queued'
                                WHEN g >= ${CONVERSATIONS - waiting - assigned}::int THEN 'assigned'
                                WHEN g % 20 = 0 THEN 'resolved' ELSE 'closed' END AS status) AS s,
           -- Oldest first; the waiting ones arrived over the last two hours.
           LATERAL (SELECT CASE WHEN s.status = 'queued'
                                THEN now() - interval '2 hours' * (${CONVERSATIONS}::int - g) / ${waiting}::int
                                ELSE now() - interval '365 days' * (${CONVERSATIONS}::int - g) / ${CONVERSATIONS}::int
                           END AS at) AS t,
           LATERAL (SELECT CASE WHEN s.status = 'queued' AND g % 3 = 0 THEN 0
                                ELSE (g::bigint * 7919) % ${QUEUES}::int END AS n) AS q`;
  const perConversation = Math.max(1, Math.round(MESSAGES / CONVERSATIONS));
  await prisma.$executeRaw`
    INSERT INTO messages (id, conversation_id, seq, author_kind, kind, author_user_id, body, internal,
                          client_message_id, created_at)
    SELECT gen_random_uuid(), c.id, m, (CASE WHEN m % 2 = 1 THEN 'customer' ELSE 'agent' END)::"AuthorKind",
           (CASE WHEN m % 2 = 1 THEN 'customer' WHEN m % 10 = 0 THEN 'note' ELSE 'reply' END)::"MessageKind",
           CASE WHEN m % 2 = 0 THEN c.assignee_id END,
           'Message ' || m || ' of a conversation about an order that has not arrived yet',
           m % 10 = 0, 'client-' || m, c.created_at + m * interval '10 seconds'
      FROM conversations c,
           LATERAL (SELECT CASE WHEN ('x' || substr(c.id::text, 25, 12))::bit(48)::bigint % 1000 = 0
                                THEN ${perConversation * 20}::int
                                ELSE 1 + ('x' || substr(c.id::text, 25, 12))::bit(48)::bigint % ${perConversation * 2 - 1}::int
                           END AS n) AS k,
           generate_series(1, k.n) AS m`;
  await prisma.$executeRaw`
    UPDATE conversations c SET last_seq = m.last FROM (SELECT conversation_id, max(seq) AS last FROM messages GROUP BY 1) m
     WHERE m.conversation_id = c.id`;
  await prisma.$executeRaw`SET session_replication_role = origin`;
  await prisma.$executeRaw`ANALYZE`;
}

const session = (userId: string) => ({ userId }) as AuthSession;

async function run(databaseUrl: string) {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  const db = prisma as unknown as PrismaService;
  const figures: Record<string, Timing> = {};
  const measure = async (name: string, call: (i: number) => Promise<unknown>) => {
    figures[name] = await timeCalls(CALLS, call);
    say(`${name}: p50 ${figures[name].p50Ms} ms, p95 ${figures[name].p95Ms} ms`);
  };
  try {
    say(
      `writing ${QUEUES} queues, ${AGENTS} agents, ${CONVERSATIONS} conversations, about ${MESSAGES} messages`,
    );
    let started = performance.now();
    await generate(prisma);
    const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
    const conversationsSeconds = seconds(started);
    const [counts] = await prisma.$queryRaw<{ conversations: bigint; messages: bigint; open: bigint }[]>`
      SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages,
             (SELECT count(*) FROM conversations WHERE status IN ('queued', 'assigned')) AS open`;
    say(
      `written in ${conversationsSeconds} s: ${counts?.messages} messages, ${counts?.open} open conversations`,
    );
    say(`writing ${describeAuditEvents(AUDIT_EVENTS)}`);
    started = performance.now();
    await insertAuditEvents(prisma, AUDIT_EVENTS);
    const auditSeconds = seconds(started);
    say(`sealing ${AUDIT_EVENTS} events, ${SEAL_BATCH} per transaction`);
    started = performance.now();
    const sealer = new AuditSealerService(db);
    let sealed = 0;
    for (let batch = await sealer.sealPending(SEAL_BATCH, true); batch > 0;) {
      sealed += batch;
      batch = await sealer.sealPending(SEAL_BATCH, true);
    }
    const sealSeconds = seconds(started);
    say(`sealed ${sealed} in ${sealSeconds} s`);
    await prisma.$executeRaw`VACUUM ANALYZE audit_events`;

    // Only what the reads use: access checks audit denials, which these reads never are.
    const conversations = new ConversationsService(
      db,
      ...(Array.from({ length: 7 }, () => null) as unknown as [
        never,
        never,
        never,
        never,
        never,
        never,
        never,
      ]),
    );
    const overview = new SupervisorOverviewService(db);
    const audit = new AuditQueryService(db, null as unknown as AuditCheckpointService);

    // Agents of the busiest queue (queue 0) see the most waiting conversations.
    const busy = (i: number) => agentId(((i * 7) % Math.ceil(AGENTS / QUEUES)) * QUEUES);
    const inbox = (i: number, view: ConversationListView, cursor?: ConversationCursor) =>
      conversations.list(session(busy(i)), { view, limit: 50, ...(cursor && { cursor }) });
    // A deep page: the cursor of the 1000th waiting conversation in the busiest agents' view.
    const deep = await Promise.all(
      Array.from({ length: CALLS + 1 }, async (_, i) => {
        let cursor: ConversationCursor | undefined;
        for (let page = 0; page < 20; page++) {
          const next = (await inbox(i, 'queued', cursor)).nextCursor;
          if (!next) break;
          cursor = ZConversationListQuery.parse({ cursor: next }).cursor;
        }
        return cursor;
      }),
    );
    await measure('inbox: mine', (i) => inbox(i, 'mine'));
    await measure('inbox: waiting, first page', (i) => inbox(i, 'queued'));
    await measure('inbox: waiting, deep page (row 1,000 or the last)', (i) => inbox(i, 'queued', deep[i]));
    await measure('inbox: open (wall), first page', (i) => inbox(i, 'open'));
    await measure('conversation: latest 50 messages', async (i) => {
      const c = await prisma.conversation.findUniqueOrThrow({
        where: { id: uuid('60000000', CONVERSATIONS - 1 - waiting - ((i * 131) % (AGENTS * 3))) },
      });
      return conversations.messages(session(c.assigneeId as string), c.id, Math.max(0, c.lastSeq - 50), 50);
    });
    await measure('conversation: back-fill after a seq', async (i) => {
      const c = await prisma.conversation.findUniqueOrThrow({
        where: { id: uuid('60000000', CONVERSATIONS - 1 - waiting - ((i * 131) % (AGENTS * 3))) },
      });
      return conversations.messages(session(c.assigneeId as string), c.id, Math.floor(c.lastSeq / 2), 200);
    });
    const everyQueue = { agentsLimit: 100 };
    const lastAgents = await prisma.user.findMany({
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      skip: Math.max(0, AGENTS - 150),
      take: 1,
    });
    await measure('supervisor overview: every queue (admin), first 100 agents', () =>
      overview.page(undefined, everyQueue),
    );
    await measure('supervisor overview: every queue (admin), last agents', () =>
      overview.page(undefined, { ...everyQueue, ...(lastAgents[0] && { agentsCursor: lastAgents[0].id }) }),
    );
    await measure('supervisor overview: 5 queues', (i) =>
      overview.page(
        Array.from({ length: 5 }, (_, k) => queueId(i * 5 + k)),
        everyQueue,
      ),
    );
    for (const [name, filter] of Object.entries(AUDIT_FILTERS))
      await measure(`audit: ${name}`, (i) => audit.search({ limit: 50, ...filter(i) } as AuditQuery));
    // A time window alone is read through its own index: it must find what the plain query finds.
    for (let i = 0; i < 5; i++) {
      const window = AUDIT_FILTERS['one day']?.(i) as { from: string; to: string };
      const page = await audit.search({ limit: 50, ...window } as AuditQuery);
      const plain = await prisma.$queryRaw<{ seq: bigint }[]>`
        SELECT seq FROM audit_events WHERE occurred_at >= ${new Date(window.from)} AND occurred_at < ${new Date(window.to)}
         ORDER BY seq DESC LIMIT 50`;
      if (page.items.map((e) => e.seq).join() !== plain.map((r) => String(r.seq)).join())
        throw new Error(`the one-day search from ${window.from} differs from the plain query`);
    }

    say('verifying the chain in-process (verifyAuditChain over pg)');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    started = performance.now();
    const inProcess = await verifyAuditChain(pgRunner(client));
    const inProcessSeconds = (performance.now() - started) / 1000;
    await client.end();
    say('verifying the chain with npm run audit:verify');
    started = performance.now();
    const cli = spawnSync('npm', ['run', '--silent', 'audit:verify'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        AUDIT_CHECKPOINT_FILE: path.join(os.tmpdir(), `baton-bench-no-checkpoints-${process.pid}.jsonl`),
      },
      encoding: 'utf8',
    });
    const cliSeconds = (performance.now() - started) / 1000;
    if (cli.status !== 0 || !inProcess.ok)
      throw new Error(`verification failed:\n${cli.stderr}${cli.stdout}`);
    const verify = {
      events: inProcess.checked,
      inProcessEventsPerSecond: Math.round(inProcess.checked / inProcessSeconds),
      cliSeconds: Math.round(cliSeconds * 10) / 10,
      cliEventsPerSecond: Math.round(inProcess.checked / cliSeconds),
    };
    say(
      `verify: ${verify.events} events, ${verify.inProcessEventsPerSecond}/s in-process, ` +
        `${verify.cliEventsPerSecond}/s through npm run audit:verify (${verify.cliSeconds} s with start-up)`,
    );
    return {
      generated: {
        conversations: Number(counts?.conversations),
        openConversations: Number(counts?.open),
        messages: Number(counts?.messages),
        auditEvents: AUDIT_EVENTS,
        queues: QUEUES,
        agents: AGENTS,
        conversationsSeconds,
        auditSeconds,
        sealSeconds,
        sealedPerSecond: Math.round(sealed / sealSeconds),
      },
      figures,
      verify,
    };
  } finally {
    await prisma.$disconnect();
  }
}

const bench = benchDatabase();
await runInBenchDatabase(root, bench, async () => {
  const loadBefore = os.loadavg()[0] ?? 0;
  const result = await run(bench.databaseUrl);
  const loadAfter = os.loadavg()[0] ?? 0;
  const width = Math.max(...Object.keys(result.figures).map((name) => name.length));
  console.log(`\n  ${'read'.padEnd(width)}  p50 ms  p95 ms  max ms`);
  for (const [name, t] of Object.entries(result.figures)) {
    const flag = t.p95Ms > 50 ? '  over 50 ms' : '';
    console.log(
      `  ${name.padEnd(width)}  ${String(t.p50Ms).padStart(6)}  ${String(t.p95Ms).padStart(6)}  ${String(t.maxMs).padStart(6)}${flag}`,
    );
  }
  const g = result.generated;
  console.log(
    `\n  ${g.conversations} conversations (${g.openConversations} open), ${g.messages} messages, ` +
      `${g.auditEvents} audit events; ${g.queues} queues, ${g.agents} agents; ${CALLS} calls per read` +
      `\n  audit:verify ${result.verify.cliEventsPerSecond} events/s (${result.verify.inProcessEventsPerSecond}/s in-process); ` +
      `sealed at ${g.sealedPerSecond} events/s` +
      `\n  load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.cpus().length} cores\n`,
  );
  const out = path.join(root, 'bench', 'results', 'reads-at-size.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        startedAt: new Date().toISOString(),
        host: {
          node: process.version,
          cpus: os.cpus().length,
          loadAverage: { before: loadBefore, after: loadAfter },
        },
        callsPerRead: CALLS,
        ...result,
      },
      null,
      2,
    )}\n`,
  );
  say(`results written to ${path.relative(root, out)}`);
});
