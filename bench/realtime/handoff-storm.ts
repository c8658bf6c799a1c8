import { AgentServerEvent } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { agentSocket, openAll, type Target } from './clients.js';
import { cpuMeter } from '../../apps/api/test/support/processes.js';
import type { Seeder } from './seed.js';
import type { BatonStack } from './stack.js';
import { load, nth, percentiles, round, sleep, type Percentiles } from './stats.js';

export interface StormResult {
  handoffs: number;
  seconds: number;
  agents: number;
  seats: number;
  /** HTTP status (or `timeout`, or `network error: <code>`) → count. */
  statuses: Record<string, number>;
  errors: number;
  /** Handoffs answered per second, from the first request to the last answer. */
  servedPerSecond: number;
  http: Percentiles;
  /** Cases the storm created (from SQL: a request that failed may still have created one). */
  created: number;
  /** Conversations announced by `conversation.assigned` on an agent's socket. */
  seated: number;
  /** Assigned in SQL but never announced on a socket (must be 0). */
  unannounced: number;
  /** Request sent → that announcement, for the seated cases whose request was answered. */
  notify: Percentiles;
  /** Cases still queued after the storm (from SQL), and how many of them got a `queue_position_changed` webhook. */
  waiting: number;
  toldPosition: number;
  webhookCalls: Record<string, number>;
  /** After the storm, from SQL; both must be 0. */
  doubleAssignments: number;
  doubleAnnouncements: number;
  agentsOverCapacity: number;
  cpuMsPerHandoff: Record<string, number>;
  sqlPerHandoff: Record<string, number>;
  load: number[];
}

/** A bot's webhook endpoint: counts the case events per type, and the cases told their position. */
async function webhookReceiver() {
  const calls: Record<string, number> = {};
  const positioned = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          event?: string;
          case_id?: string;
        };
        const event = body.event ?? 'unknown';
        calls[event] = (calls[event] ?? 0) + 1;
        if (event === 'queue_position_changed' && body.case_id) positioned.add(body.case_id);
      } catch {
        calls.unreadable = (calls.unreadable ?? 0) + 1;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/baton`,
    calls,
    positioned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `count()` has not changed for `quietMs`, or `maxMs` passed. */
async function settled(count: () => number, quietMs: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  let last = count();
  let since = Date.now();
  while (Date.now() < until) {
    await sleep(200);
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

/**
 * `handoffs` cases through POST /api/v1/handoff (an API key whose bot subscribed to status and
 * position events, its webhook a local receiver), open loop over `seconds`, to `agents` agents with
 * 5 seats each, all connected on /agent.
 */
export async function handoffStorm(options: {
  stack: BatonStack;
  seeder: Seeder;
  db: pg.Client;
  handoffs: number;
  seconds: number;
  agents: number;
  say: (line: string) => void;
}): Promise<StormResult> {
  const { stack, seeder, db, say } = options;
  const tag = `storm-${randomUUID().slice(0, 6)}`;
  const queueName = `Storm ${tag}`;
  const queueId = await seeder.queue(queueName);
  const agents = await seeder.staff(options.agents, { role: 'agent', tag, capacity: 5, queueId });
  const admin = nth(await seeder.staff(1, { role: 'admin', tag }), 0);
  const hooks = await webhookReceiver();
  const { base } = stack.firstApi;
  const target: Target = { kind: 'baton', bases: [base] };

  // The key is made the way an admin makes it (the API hashes it and seals the webhook secret).
  const created = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: {
      cookie: admin.cookie,
      'x-csrf-token': seeder.csrfTokenFor(admin.sessionId),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name: `bench ${tag}`, webhookUrl: hooks.url }),
  });
  const key = (await created.json()) as { key?: string };
  if (created.status !== 201 || !key.key)
    throw new Error(`creating the API key failed: ${created.status} ${JSON.stringify(key)}`);

  say(`storm: connecting ${agents.length} agents (${agents.length * 5} seats)…`);
  const sockets = await openAll(agents.length, (i) => agentSocket(target, nth(agents, i), i));
  const announced = new Map<string, { at: number; agents: Set<string> }>();
  sockets.forEach((socket, i) =>
    socket.on(AgentServerEvent.ConversationAssigned, (payload: { conversation?: { id?: string } }) => {
      const id = payload.conversation?.id;
      if (!id) return;
      const seen = announced.get(id) ?? { at: performance.now(), agents: new Set<string>() };
      seen.agents.add(nth(agents, i).userId);
      announced.set(id, seen);
    }),
  );

  try {
    say(`storm: ${options.handoffs} handoffs in ${options.seconds} s…`);
    const apiCpu = cpuMeter(stack.apis);
    const workerCpu = cpuMeter([stack.worker]);
    stack.apiSql.reset();
    stack.workerSql.reset();
    const statuses: Record<string, number> = {};
    const httpMs: number[] = [];
    const sentAt = new Map<string, number>();
    const start = performance.now();
    let lastAnswer = start;
    const requests: Promise<void>[] = [];
    for (let i = 0; i < options.handoffs; i++) {
      const due = start + (i * options.seconds * 1000) / options.handoffs;
      while (performance.now() < due) await sleep(Math.max(1, Math.min(5, due - performance.now())));
      const t0 = performance.now();
      requests.push(
        fetch(`${base}/api/v1/handoff`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key.key}`,
            'idempotency-key': randomUUID(),
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            queue: queueName,
            contact: { id: `${tag}-customer-${i}` },
            summary: 'Wants to change a booking',
            reason: 'customer_asked',
            subscribe_helpdesk_events: ['status_changed', 'queue_position_changed'],
          }),
          signal: AbortSignal.timeout(300_000),
        }).then(
          async (response) => {
            const body = (await response.json().catch(() => ({}))) as { caseId?: string };
            const now = performance.now();
            lastAnswer = Math.max(lastAnswer, now);
            httpMs.push(now - t0);
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
            if (body.caseId) sentAt.set(body.caseId, t0);
          },
          (error: unknown) => {
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            const name =
              (error as Error).name === 'TimeoutError'
                ? 'timeout'
                : `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
            statuses[name] = (statuses[name] ?? 0) + 1;
          },
        ),
      );
    }
    await Promise.all(requests);
    const servedSeconds = (lastAnswer - start) / 1000;
    say('storm: all answered; waiting for assignments and webhooks to settle…');
    // Every assignment must reach its agent's socket: wait for those SQL knows of (at most 60 s).
    const assigned = async () =>
      (
        await db.query<{ id: string }>(
          `SELECT id FROM conversations WHERE queue_id = $1 AND status = 'assigned'`,
          [queueId],
        )
      ).rows.map((row) => row.id);
    const announcedBy = Date.now() + 60_000;
    let unannounced = (await assigned()).filter((id) => !announced.has(id));
    while (unannounced.length > 0 && Date.now() < announcedBy) {
      await sleep(500);
      unannounced = (await assigned()).filter((id) => !announced.has(id));
    }
    await settled(() => Object.values(hooks.calls).reduce((a, b) => a + b, 0), 3_000, 60_000);
    const cpuMs = { api: apiCpu.read(), worker: workerCpu.read() };
    const apiStatements = stack.apiSql.statements();
    const workerStatements = stack.workerSql.statements();

    const notify: number[] = [];
    for (const [caseId, { at }] of announced) {
      const t0 = sentAt.get(caseId);
      if (t0 !== undefined) notify.push(at - t0);
    }
    const { rows: cases } = await db.query<{ id: string; status: string }>(
      'SELECT id, status FROM conversations WHERE queue_id = $1',
      [queueId],
    );
    const waitingIds = cases.filter((c) => c.status === 'queued').map((c) => c.id);
    const { rows: doubles } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT e.conversation_id FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
          WHERE c.queue_id = $1 AND e.type = 'conversation.assigned'
          GROUP BY e.conversation_id HAVING count(*) > 1) d`,
      [queueId],
    );
    const { rows: over } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_states s
         LEFT JOIN (SELECT assignee_id, count(*)::int AS held FROM conversations
                     WHERE status = 'assigned' GROUP BY assignee_id) h ON h.assignee_id = s.user_id
        WHERE s.user_id = ANY($1::uuid[]) AND (s.active_count > s.capacity OR coalesce(h.held, 0) > s.capacity)`,
      [agents.map((a) => a.userId)],
    );
    const total = options.handoffs;
    const per = (value: number) => round(value / total, 3);
    const errors = Object.entries(statuses)
      .filter(([status]) => !/^2\d\d$/.test(status))
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      handoffs: total,
      seconds: options.seconds,
      agents: agents.length,
      seats: agents.length * 5,
      statuses,
      errors,
      servedPerSecond: round(httpMs.length / servedSeconds),
      http: percentiles(httpMs),
      created: cases.length,
      seated: announced.size,
      unannounced: unannounced.length,
      notify: percentiles(notify),
      waiting: waitingIds.length,
      toldPosition: waitingIds.filter((id) => hooks.positioned.has(id)).length,
      webhookCalls: { ...hooks.calls },
      doubleAssignments: nth(doubles, 0).n,
      doubleAnnouncements: [...announced.values()].filter((a) => a.agents.size > 1).length,
      agentsOverCapacity: nth(over, 0).n,
      cpuMsPerHandoff: { api: per(cpuMs.api), worker: per(cpuMs.worker) },
      sqlPerHandoff: {
        api: per(apiStatements),
        worker: per(workerStatements),
        total: per(apiStatements + workerStatements),
      },
      load: load(),
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await hooks.close();
  }
}
