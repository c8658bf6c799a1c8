import { pgRunner, verifyAuditChain } from '@baton/security';
import { Redis } from 'ioredis';
import { eventually } from '../support/api.js';
import type { AgentParty, CustomerParty } from './chat-clients.js';
import type { FaultStack, Fixture } from './fault-stack.js';
import type { Fleet } from './fleet.js';
import { isRequest, type Probes } from './probes.js';

/** When a scenario began, when its fault started and ended, and when counting began. */
export interface Marks {
  startedAt: number;
  faultAt: number;
  restoredAt: number;
  countedAt: number;
}

/** What one scenario broke, and how long the product took to recover. */
export interface ScenarioCounts {
  scenario: string;
  /** Messages acknowledged to their sender during the scenario. */
  acknowledged: number;
  /** Acknowledged, yet not stored. */
  lost: number;
  /** Stored more than once. */
  duplicated: number;
  /** Stored, yet one of its recipients never got it, live or by back-fill. */
  holes: number;
  /** Missed live, then found by a back-fill (after a reconnect or a gap in `seq`). */
  backfilled: number;
  /** Conversations assigned to an agent during the scenario (routing at work). */
  assignments: number;
  /** A conversation assigned again while already assigned. */
  doubleAssignments: number;
  /** The most agents over capacity at once (conversations held). */
  overCapacity: number;
  /** Agents online in PostgreSQL without a socket anywhere, once the bound has passed. */
  ghosts: number;
  /** BullMQ jobs that failed for good (no attempt left). */
  jobsFailed: number;
  /** Resolved conversations whose close timer never ran within the bound. */
  timersOverdue: number;
  auditChainValid: boolean;
  /** After the fault ended: the first message acknowledged, and the last waiting client to get one. */
  firstMessageMs: number | null;
  allClientsMs: number | null;
  /** The slowest message typed during the fault, typed to acknowledged (re-sends included). */
  slowestSendMs: number | null;
  /** After the fault began, the first 503 from readiness; after it ended, every instance 200 again. */
  readinessDownMs: number | null;
  readinessUpMs: number | null;
  /** The slowest answer (or timeout) to an ordinary request during the fault. */
  slowestRequestMs: number | null;
  /** Worker scenario: the last bot answer owed at the kill, after the restart. */
  botAnswerMs?: number | null;
}

/** Customer-visible kinds (notes and whispers never reach a customer; the harness writes none). */
const CUSTOMER_KINDS = ['customer', 'bot', 'system', 'reply', 'barge_in'];

/** Status-changing timeline events after which a new assignment is legitimate. */
const ASSIGNMENT_HOLDING = new Set([
  'conversation.assigned',
  'conversation.sla_breached',
  'conversation.offered',
]);

interface StoredRow {
  id: string;
  conversation_id: string;
  kind: string;
  created_at: Date;
}

/** Every count of the table, read from PostgreSQL, the private Redis and the clients. */
export class FaultReport {
  constructor(
    private readonly stack: FaultStack,
    private readonly fixture: Fixture,
    private readonly fleet: Fleet,
    private readonly probes: Probes,
  ) {}

  async lostAndDuplicated(marks: Marks): Promise<{ acknowledged: number; lost: number; duplicated: number }> {
    const acked = [...this.fleet.sent.values()].filter(
      (s) => s.ackedAt !== undefined && s.ackedAt >= marks.startedAt && s.ackedAt <= marks.countedAt,
    );
    const ids = acked.map((s) => s.clientMessageId).filter((id): id is string => id !== undefined);
    const { rows: stored } = await this.stack.db.query<{ client_message_id: string }>(
      `SELECT client_message_id FROM messages WHERE client_message_id = ANY($1::text[])`,
      [ids],
    );
    const found = new Set(stored.map((r) => r.client_message_id));
    const bodies = [...this.fleet.sent.values()].filter((s) => s.at >= marks.startedAt).map((s) => s.body);
    const { rows: dup } = await this.stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT body FROM messages WHERE body = ANY($1::text[])
         GROUP BY body HAVING count(*) > 1) d`,
      [bodies],
    );
    return {
      acknowledged: acked.length,
      lost: ids.filter((id) => !found.has(id)).length,
      duplicated: dup[0]?.n ?? 0,
    };
  }

  /**
   * Messages stored in the window that each connected client should hold: a customer, those of the
   * conversations it started; an agent, those of the conversations assigned to them now (PostgreSQL's
   * word, not the client's: a missed assignment is a hole too).
   */
  private async expected(
    marks: Marks,
  ): Promise<{ party: AgentParty | CustomerParty; messages: StoredRow[] }[]> {
    const channels = [this.fixture.webChannelId, this.fixture.botChannelId];
    const { rows } = await this.stack.db.query<StoredRow>(
      `SELECT m.id, m.conversation_id, m.kind::text AS kind, m.created_at FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel_id = ANY($1::uuid[]) AND m.created_at >= $2 AND m.created_at <= $3`,
      [channels, new Date(marks.startedAt), new Date(marks.countedAt)],
    );
    const { rows: assigned } = await this.stack.db.query<{ id: string; assignee_id: string }>(
      `SELECT id, assignee_id FROM conversations WHERE channel_id = ANY($1::uuid[]) AND status = 'assigned'`,
      [channels],
    );
    const byConversation = new Map<string, StoredRow[]>();
    for (const row of rows)
      byConversation.set(row.conversation_id, [...(byConversation.get(row.conversation_id) ?? []), row]);
    const of = (ids: Iterable<string>, kinds?: string[]) =>
      [...ids].flatMap((id) =>
        (byConversation.get(id) ?? []).filter((m) => !kinds || kinds.includes(m.kind)),
      );
    return [
      ...[...this.fleet.customers, ...this.fleet.botCustomers]
        .filter((c) => c.connected)
        .map((party) => ({ party, messages: of(party.conversations.keys(), CUSTOMER_KINDS) })),
      ...[...this.fleet.agents, this.fleet.probe]
        .filter((a) => a.connected)
        .map((party) => ({
          party,
          messages: of(assigned.filter((c) => c.assignee_id === party.userId).map((c) => c.id)),
        })),
    ];
  }

  /**
   * Holes once the clients had their chance to catch up (a few seconds, returning as soon as none is
   * left), and the messages found only by a back-fill.
   */
  async holes(marks: Marks): Promise<{ holes: number; backfilled: number; samples: string[] }> {
    const count = async () => {
      let holes = 0;
      let backfilled = 0;
      const samples: string[] = [];
      for (const { party, messages } of await this.expected(marks)) {
        for (const m of messages) {
          const arrival = party.conversations.get(m.conversation_id)?.arrivals.get(m.id);
          if (arrival === undefined) {
            holes += 1;
            if (samples.length < 5) samples.push(`${party.name} misses ${m.kind} ${m.id}`);
          } else if (arrival === 'backfill') backfilled += 1;
        }
      }
      return { holes, backfilled, samples };
    };
    return eventually(count, (r) => r.holes === 0, { timeoutMs: 5_000, intervalMs: 250 });
  }

  /** Assignments made during the scenario, and those made while the conversation was already assigned. */
  async assignments(marks: Marks): Promise<{ assignments: number; doubleAssignments: number }> {
    const { rows } = await this.stack.db.query<{ conversation_id: string; type: string; created_at: Date }>(
      `SELECT e.conversation_id, e.type, e.created_at FROM conversation_events e
         JOIN conversations c ON c.id = e.conversation_id
        WHERE c.channel_id = ANY($1::uuid[]) AND e.created_at <= $2
        ORDER BY e.conversation_id, e.created_at, e.id`,
      [[this.fixture.webChannelId, this.fixture.botChannelId], new Date(marks.countedAt)],
    );
    let assignments = 0;
    let doubleAssignments = 0;
    let previous: string | undefined;
    let assigned = false;
    for (const row of rows) {
      if (row.conversation_id !== previous) assigned = false;
      previous = row.conversation_id;
      const inWindow = row.created_at.getTime() >= marks.startedAt;
      if (row.type === 'conversation.assigned') {
        if (inWindow) assignments += 1;
        if (assigned && inWindow) doubleAssignments += 1;
        assigned = true;
      } else if (!ASSIGNMENT_HOLDING.has(row.type)) assigned = false;
    }
    return { assignments, doubleAssignments };
  }

  overCapacity(marks: Marks): number {
    return this.fleet.load
      .filter((s) => s.at >= marks.startedAt && s.at <= marks.countedAt)
      .reduce((most, s) => Math.max(most, s.overHeld), 0);
  }

  /** Agents online in PostgreSQL whose client has no socket now. */
  async ghosts(): Promise<string[]> {
    const { rows } = await this.stack.db.query<{ user_id: string }>(
      `SELECT user_id FROM agent_states WHERE presence <> 'offline' AND user_id = ANY($1::uuid[])`,
      [this.fixture.agents.map((a) => a.id)],
    );
    const live = new Set(
      [...this.fleet.agents, this.fleet.probe].filter((a) => a.connected).map((a) => a.userId),
    );
    return rows.map((r) => r.user_id).filter((id) => !live.has(id));
  }

  /** Jobs in BullMQ's failed sets that finished (for good) within the window. */
  async jobsFailed(marks: Marks): Promise<number> {
    const redis = new Redis(this.stack.redis.url, { maxRetriesPerRequest: 1 });
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', '*:failed', 'COUNT', 500);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      let failed = 0;
      for (const key of keys) failed += await redis.zcount(key, marks.startedAt, marks.countedAt);
      return failed;
    } finally {
      redis.disconnect();
    }
  }

  /** Resolved during the scenario and not closed by its timer within `boundMs` of being due. */
  async timersOverdue(marks: Marks, dueAfterMs: number, boundMs: number): Promise<number> {
    const owed = this.fleet.resolved.filter((r) => r.at >= marks.startedAt);
    const lastDue = Math.max(0, ...owed.map((r) => r.at + dueAfterMs + boundMs));
    return eventually(
      async () => {
        const { rows } = await this.stack.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM conversations WHERE id = ANY($1::uuid[]) AND status <> 'closed'`,
          [owed.map((r) => r.conversationId)],
        );
        return rows[0]?.n ?? 0;
      },
      (n) => n === 0,
      { timeoutMs: Math.max(0, lastDue - Date.now()), intervalMs: 250 },
    );
  }

  async auditChainValid(): Promise<boolean> {
    return (await verifyAuditChain(pgRunner(this.stack.db))).ok;
  }

  /**
   * After the fault ended: the first acknowledgement, and how long until every client that had a message
   * waiting got one acknowledged; and the slowest message typed during the fault, typed to acknowledged.
   */
  recovery(marks: Marks): Pick<ScenarioCounts, 'firstMessageMs' | 'allClientsMs' | 'slowestSendMs'> {
    const sent = [...this.fleet.sent.values()];
    const waiting = new Set(
      sent
        .filter((s) => s.at <= marks.restoredAt && !s.refused && (s.ackedAt ?? Infinity) > marks.restoredAt)
        .map((s) => s.from)
        // A client that left with the fault (the probe agent) is not waiting for anything.
        .filter((name) => this.fleet.allParties().some((p) => p.name === name && p.connected)),
    );
    const firstByParty = new Map<string, number>();
    for (const s of sent) {
      if (s.ackedAt === undefined || s.ackedAt < marks.restoredAt) continue;
      firstByParty.set(s.from, Math.min(s.ackedAt, firstByParty.get(s.from) ?? Infinity));
    }
    const after = (times: number[]) => (times.length === 0 ? null : times);
    const all = after([...firstByParty.values()].map((t) => t - marks.restoredAt));
    const waited = after(
      [...waiting].map((party) => (firstByParty.get(party) ?? marks.countedAt) - marks.restoredAt),
    );
    const during = after(
      sent
        .filter((s) => s.at >= marks.faultAt && s.at <= marks.restoredAt && s.ackedAt !== undefined)
        .map((s) => (s.ackedAt ?? s.at) - s.at),
    );
    return {
      firstMessageMs: all && Math.min(...all),
      allClientsMs: waited ? Math.max(...waited) : 0,
      slowestSendMs: during && Math.max(...during),
    };
  }

  /** Readiness over every instance; "200 again" over those still running (`running`, their base URLs). */
  readiness(
    marks: Marks,
    running: readonly string[],
  ): Pick<ScenarioCounts, 'readinessDownMs' | 'readinessUpMs' | 'slowestRequestMs'> {
    const ready = (name: string) => !isRequest(name);
    // An instance answering 503 (one that is gone answers nothing; a load balancer sees that anyway).
    const down = this.probes.between(marks.faultAt, marks.countedAt, ready).find((s) => s.status === 503);
    const after = this.probes.between(marks.restoredAt, marks.countedAt, (name) => running.includes(name));
    const lastBad = after.filter((s) => s.status !== 200).at(-1);
    const up = lastBad
      ? after.find((s) => s.at > lastBad.at && s.status === 200)
      : after.find((s) => s.status === 200);
    const requests = this.probes.overlapping(marks.faultAt, marks.restoredAt, isRequest);
    return {
      readinessDownMs: down ? down.at - marks.faultAt : null,
      readinessUpMs: up ? Math.max(0, up.at - marks.restoredAt) : null,
      slowestRequestMs: requests.length > 0 ? Math.max(...requests.map((s) => s.ms)) : null,
    };
  }
}

const seconds = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;

/** The rows of the table, in order: label and how a value prints. */
const ROWS: [keyof ScenarioCounts, string, (v: ScenarioCounts[keyof ScenarioCounts]) => string][] = [
  ['acknowledged', 'messages acknowledged', String],
  ['lost', 'acknowledged, lost', String],
  ['duplicated', 'duplicated', String],
  ['holes', 'holes (never got, live nor back-fill)', String],
  ['backfilled', 'missed live, back-filled', String],
  ['assignments', 'assignments', String],
  ['doubleAssignments', 'double assignments', String],
  ['overCapacity', 'agents over capacity', String],
  ['ghosts', 'ghost agents after the bound', String],
  ['jobsFailed', 'jobs failed for good', String],
  ['timersOverdue', 'timers not run within the bound', String],
  ['auditChainValid', 'audit chain valid', (v) => (v ? 'yes' : 'NO')],
  ['firstMessageMs', 'first message after the fault', (v) => seconds(v as number | null)],
  ['allClientsMs', 'every waiting client acknowledged', (v) => seconds(v as number | null)],
  ['slowestSendMs', 'slowest message typed during the fault', (v) => seconds(v as number | null)],
  ['readinessDownMs', 'readiness 503 after the fault began', (v) => seconds(v as number | null)],
  ['readinessUpMs', 'readiness 200 after the fault ended', (v) => seconds(v as number | null)],
  ['slowestRequestMs', 'slowest request during the fault', (v) => seconds(v as number | null)],
  ['botAnswerMs', 'bot answers owed, after the restart', (v) => seconds(v as number | null)],
];

/** One plain-text table, a column per scenario. */
export function faultTable(results: ScenarioCounts[]): string {
  const header = ['', ...results.map((r) => r.scenario)];
  const lines = ROWS.filter(([key]) => results.some((r) => r[key] !== undefined)).map(
    ([key, label, show]) => [label, ...results.map((r) => (r[key] === undefined ? '' : show(r[key])))],
  );
  const table = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  return [row(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...lines.map(row)].join('\n');
}
