import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/api.js';
import { FaultReport, faultTable, type Marks, type ScenarioCounts } from './fault-report.js';
import { FAULT_TIMINGS, FaultStack, type Fixture } from './fault-stack.js';
import { Fleet } from './fleet.js';
import { Probes } from './probes.js';

/**
 * Each part of a running deployment killed mid-traffic — two built API instances behind a load
 * balancer, the built worker, PostgreSQL and Redis of its own — with widget customers and signed-in
 * agents writing to each other (~20 messages a second) and customers asking an LLM bot. After each
 * fault the suite counts what broke (one table per scenario, all of them again at the end) and holds
 * the product to: nothing acknowledged lost or stored twice, no message a client never gets, nobody
 * assigned twice or over capacity, no agent left online without a socket, every timer run, the audit
 * chain intact.
 */

const AGENTS = 6; // the first is the probe: on the first instance only, never reconnecting
const CAPACITY = 5;
const CUSTOMERS = 20;
const BOT_CUSTOMERS = 4;
const REDIS_OUTAGE_MS = 5_000;
const POSTGRES_OUTAGE_MS = 8_000;
const WORKER_OUTAGE_MS = 2_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Fault {
  /** Starts the fault; resolves when it is over (the part is back, or its work moved elsewhere). */
  inject(): Promise<void>;
  /** Runs once traffic flows again (a replacement instance started, a bound awaited). */
  after?(marks: Marks): Promise<Partial<ScenarioCounts>>;
}

describe('faults mid-traffic', () => {
  let stack: FaultStack;
  let fixture: Fixture;
  let fleet: Fleet;
  let probes: Probes;
  let report: FaultReport;
  const results: ScenarioCounts[] = [];
  const phases: string[] = [];
  let keepLogs = false;
  // Recovery times move with the machine's load: printed beside them.
  const load = () => loadavg()[0]?.toFixed(1) ?? '?';
  const loadAtStart = load();

  /** Notes how long a set-up phase took (printed with the results: the suite has a time budget). */
  async function timed<T>(phase: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const value = await run();
    phases.push(`${phase} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  }

  beforeAll(async () => {
    stack = await timed('stack started', () => FaultStack.start());
    fixture = await stack.seed(AGENTS, CAPACITY);
    fleet = await timed('clients connected', () =>
      Fleet.start(stack, fixture, { customers: CUSTOMERS, botCustomers: BOT_CUSTOMERS }),
    );
    const visitor = fleet.customers[0];
    const agent = fleet.agents[0];
    if (!visitor || !agent) throw new Error('the fleet has no customers or agents');
    probes = new Probes(() => ({
      readiness: [...stack.processes.bases],
      requests: {
        'widget-session': (signal) =>
          fetch(`${stack.base}/api/v1/widget/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': visitor.ip },
            body: JSON.stringify({ channelId: fixture.webChannelId, token: visitor.contactToken }),
            signal,
          }),
        'agent-state': (signal) =>
          fetch(`${stack.base}/api/v1/agents/me/state`, {
            headers: { cookie: agent.http.cookieHeader(), 'x-forwarded-for': agent.http.ip },
            signal,
          }),
      },
    }));
    probes.start();
    report = new FaultReport(stack, fixture, fleet, probes);
    fleet.start();
    // Every customer in a conversation with an agent before the first fault.
    const unassigned = await timed('conversations assigned', () =>
      eventually(
        () => fleet.customers.filter((c) => !fleet.agentOf(c)).map((c) => c.name),
        (left) => left.length === 0,
        60_000,
      ),
    );
    expect(unassigned).toEqual([]);
  });

  // The processes' logs stay (their folder is printed) when a scenario failed.
  beforeEach(({ onTestFailed }) => onTestFailed(() => void (keepLogs = true)));

  afterAll(async () => {
    probes?.stop();
    fleet?.close();
    await timed('stack stopped', async () => stack?.close());
    phases.push(`load average ${loadAtStart} → ${load()}`);
    const logs = keepLogs ? `; logs in ${stack?.logDir}` : '';
    if (results.length > 0)
      process.stdout.write(
        `\nfaults, every scenario (${phases.join(', ')}${logs}):\n${faultTable(results)}\n\n`,
      );
    if (!keepLogs && stack) rmSync(stack.logDir, { recursive: true, force: true });
  });

  /** Messages acknowledged since `from`. */
  const acksSince = (from: number) =>
    [...fleet.sent.values()].filter((s) => s.ackedAt !== undefined && s.ackedAt >= from).length;

  async function scenario(name: string, fault: Fault): Promise<ScenarioCounts & { unsent: string[] }> {
    const marks: Marks = { startedAt: Date.now(), faultAt: 0, restoredAt: 0, countedAt: 0 };
    fleet.start();
    // Traffic flows (two seconds' worth acknowledged), and a close timer falls due inside the fault.
    await eventually(
      () => acksSince(marks.startedAt),
      (n) => n >= 40,
      30_000,
    );
    await fleet.resolveSome(2);
    marks.faultAt = Date.now();
    await fault.inject();
    marks.restoredAt = Date.now();
    const extra = (await fault.after?.(marks)) ?? {};
    // Three seconds' worth of traffic acknowledged after the fault, then nothing new typed.
    await eventually(
      () => acksSince(marks.restoredAt),
      (n) => n >= 60,
      30_000,
    );
    fleet.stop();
    const unsent = await fleet.drain(30_000);
    marks.countedAt = Date.now();
    const [sends, holes, assignments, ghosts, timersOverdue, auditChainValid] = await Promise.all([
      report.lostAndDuplicated(marks),
      report.holes(marks),
      report.assignments(marks),
      report.ghosts(),
      report.timersOverdue(marks, FAULT_TIMINGS.closeAfterSeconds * 1000, FAULT_TIMINGS.timerBoundMs),
      report.auditChainValid(),
    ]);
    // Jobs that failed for good up to now, the timers' bound included.
    const jobsFailed = await report.jobsFailed({ ...marks, countedAt: Date.now() });
    const counts: ScenarioCounts = {
      scenario: name,
      ...sends,
      holes: holes.holes,
      backfilled: holes.backfilled,
      ...assignments,
      overCapacity: report.overCapacity(marks),
      ghosts: ghosts.length,
      jobsFailed,
      timersOverdue,
      auditChainValid,
      ...report.recovery(marks),
      ...report.readiness(marks, stack.processes.bases),
      ...extra,
    };
    fleet.resumeAll();
    results.push(counts);
    process.stdout.write(
      `\n${name}${holes.samples.length > 0 ? ` (holes, e.g. ${holes.samples.join('; ')})` : ''}:\n${faultTable([counts])}\n`,
    );
    return { ...counts, unsent };
  }

  /** The counts that must be zero after every fault (and the audit chain intact). */
  const broken = (c: ScenarioCounts & { unsent: string[] }) => ({
    lost: c.lost,
    duplicated: c.duplicated,
    holes: c.holes,
    doubleAssignments: c.doubleAssignments,
    overCapacity: c.overCapacity,
    ghosts: c.ghosts,
    jobsFailed: c.jobsFailed,
    timersOverdue: c.timersOverdue,
    auditChainValid: c.auditChainValid,
    unsent: c.unsent,
  });
  const intact = {
    lost: 0,
    duplicated: 0,
    holes: 0,
    doubleAssignments: 0,
    overCapacity: 0,
    ghosts: 0,
    jobsFailed: 0,
    timersOverdue: 0,
    auditChainValid: true,
    unsent: [],
  };

  it('an API instance killed (SIGKILL): its clients move to the other, its agents who do not come back are released', async () => {
    const counts = await scenario('api SIGKILL', {
      // The first instance, where the probe agent sits.
      inject: () => stack.stopApi(0, 'SIGKILL'),
      after: async (marks) => {
        await stack.addApi();
        // The probe agent never came back: released within the bound (no longer online, nothing held).
        const ghosts = await eventually(
          () => report.ghosts(),
          (left) => left.length === 0,
          {
            timeoutMs: Math.max(0, marks.faultAt + FAULT_TIMINGS.ghostBoundMs - Date.now()),
            intervalMs: 500,
          },
        );
        return { ghosts: ghosts.length };
      },
    });
    await fleet.probeReturns();
    expect(broken(counts)).toEqual(intact);
    expect(counts.readinessUpMs).not.toBeNull();
  });

  it('an API instance stopped (SIGTERM): it drains, its clients move to the other', async () => {
    const counts = await scenario('api SIGTERM', {
      inject: () => stack.stopApi(0, 'SIGTERM'),
      after: async () => {
        await stack.addApi();
        return {};
      },
    });
    expect(broken(counts)).toEqual(intact);
    // It told the load balancer it was going (503) before it stopped answering.
    expect(counts.readinessDownMs).not.toBeNull();
  });

  it('Redis killed (kill -9, no persistence) and back: requests fail fast, delayed timers are rebuilt', async () => {
    const counts = await scenario('redis kill -9', {
      inject: async () => {
        await stack.redis.kill();
        await pause(REDIS_OUTAGE_MS);
        await stack.redis.restart();
      },
    });
    expect(broken(counts)).toEqual(intact);
    expect(counts.slowestRequestMs).toBeLessThanOrEqual(FAULT_TIMINGS.requestBoundMs);
    expect(counts.readinessDownMs).not.toBeNull();
  });

  it('PostgreSQL unreachable (every connection dropped) and back: timers due meanwhile still run', async () => {
    const counts = await scenario('postgres down', {
      inject: async () => {
        await stack.postgres.cut();
        await pause(POSTGRES_OUTAGE_MS);
        await stack.postgres.restore();
      },
    });
    expect(broken(counts)).toEqual(intact);
    expect(counts.readinessDownMs).not.toBeNull();
  });

  it('the worker killed (SIGKILL) during bot turns: a new worker answers what was owed', async () => {
    let owed: { conversationId: string; seq: number }[] = [];
    const counts = await scenario('worker SIGKILL', {
      inject: async () => {
        const turning = await eventually(
          () => stack.botTurnsInFlight,
          (n) => n > 0,
          20_000,
        );
        expect(turning, 'a bot turn in flight to kill the worker during').toBeGreaterThan(0);
        await stack.processes.worker.kill();
        await pause(WORKER_OUTAGE_MS);
        await stack.processes.startWorker();
      },
      after: async (marks) => {
        owed = await botAnswersOwed();
        const left = await eventually(
          () => botAnswersOwedOf(owed),
          (n) => n === 0,
          { timeoutMs: 30_000, intervalMs: 250 },
        );
        return { botAnswerMs: left === 0 ? Date.now() - marks.restoredAt : null };
      },
    });
    expect(owed.length, 'bot answers owed when the new worker started').toBeGreaterThan(0);
    expect(broken(counts)).toEqual(intact);
    expect(counts.botAnswerMs).not.toBeNull();
    expect(counts.botAnswerMs).toBeLessThanOrEqual(FAULT_TIMINGS.botRecoveryBoundMs);
  });

  /** Bot-channel conversations whose last customer message has no bot answer after it. */
  async function botAnswersOwed(): Promise<{ conversationId: string; seq: number }[]> {
    const { rows } = await stack.db.query<{ conversation_id: string; seq: number }>(
      `SELECT m.conversation_id, max(m.seq)::int AS seq FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel_id = $1 AND c.status = 'bot' AND m.author_kind = 'customer'
        GROUP BY m.conversation_id
       HAVING max(m.seq) > coalesce((SELECT max(b.seq) FROM messages b
                                      WHERE b.conversation_id = m.conversation_id AND b.author_kind <> 'customer'), 0)`,
      [fixture.botChannelId],
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, seq: r.seq }));
  }

  /** How many of `owed` still have no answer (bot, or the system's apology with a handoff) after them. */
  async function botAnswersOwedOf(owed: { conversationId: string; seq: number }[]): Promise<number> {
    const { rows } = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest($1::uuid[], $2::int[]) AS o(conversation_id, seq)
        WHERE NOT EXISTS (SELECT 1 FROM messages b WHERE b.conversation_id = o.conversation_id
                             AND b.author_kind <> 'customer' AND b.seq > o.seq)`,
      [owed.map((o) => o.conversationId), owed.map((o) => o.seq)],
    );
    return rows[0]?.n ?? 0;
  }
});
