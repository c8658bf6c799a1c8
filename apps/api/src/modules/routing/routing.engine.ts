import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Prisma } from '../../generated/prisma/client.js';
import { CoalescedRuns } from '../../jobs/coalesced-runs.js';
import { ServiceBusyError } from '../../common/errors/domain.error.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AgentCapacity } from '../agents/agent-capacity.service.js';
import {
  ConversationTransitions,
  TRANSFER_EXCLUSION_MINUTES,
} from '../conversations/conversation-transitions.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';

/** A waiting conversation gains one priority level per this many seconds of waiting, so none starves. */
export const AGING_SECONDS = 300;
/** Waiting conversations paired with free seats in one transaction. */
const ROUTING_BATCH = 20;

interface Waiting {
  id: string;
  queue_id: string;
  routing_mode: 'least_busy' | 'round_robin';
  required_skills: string[];
  offer_timeout_seconds: number | null;
}

/** An agent who declined or missed an offer of a conversation is not offered it again for this long. */
const OFFER_COOLDOWN_MINUTES = 10;

interface Member {
  user_id: string;
  skills: string[];
  presence: string | null;
  capacity: number | null;
  active_count: number | null;
  last_assigned_at: Date | null;
}

/** One membership: an agent in several queues appears once per queue. */
type Membership = Member & { queue_id: string };

export interface Candidate {
  userId: string;
  eligible: boolean;
  reason: string;
  activeCount: number;
  capacity: number;
}

/**
 * Judges every member of the queue; eligible ones come first, best first. `passedOn`: agents who
 * declined or missed an offer of it; `transferredAway`: agents who just transferred it away.
 */
export function rankCandidates(
  members: Member[],
  requiredSkills: string[],
  mode: 'least_busy' | 'round_robin',
  passedOn: ReadonlySet<string> = new Set(),
  transferredAway: ReadonlySet<string> = new Set(),
): Candidate[] {
  const judged = members.map((m) => {
    const activeCount = m.active_count ?? 0;
    const capacity = m.capacity ?? 0;
    const missing = requiredSkills.filter((s) => !m.skills.includes(s));
    const reason =
      m.presence !== 'available'
        ? `not available (${m.presence ?? 'never signed in'})`
        : activeCount >= capacity
          ? `at capacity (${activeCount}/${capacity})`
          : missing.length > 0
            ? `missing skills: ${missing.join(', ')}`
            : transferredAway.has(m.user_id)
              ? 'transferred this conversation away'
              : passedOn.has(m.user_id)
                ? 'declined or missed an offer of this conversation'
                : null;
    return {
      member: m,
      candidate: {
        userId: m.user_id,
        eligible: reason === null,
        reason: reason ?? '',
        activeCount,
        capacity,
      },
    };
  });
  const idle = (m: Member) => m.last_assigned_at?.getTime() ?? 0;
  const eligible = judged
    .filter((j) => j.candidate.eligible)
    .sort((a, b) =>
      mode === 'least_busy'
        ? a.candidate.activeCount / a.candidate.capacity - b.candidate.activeCount / b.candidate.capacity ||
          idle(a.member) - idle(b.member)
        : idle(a.member) - idle(b.member),
    );
  eligible.forEach((j, i) => {
    j.candidate.reason =
      mode === 'least_busy'
        ? `${i === 0 ? 'least busy' : 'busier'}: ${j.candidate.activeCount}/${j.candidate.capacity}`
        : `${i === 0 ? 'longest since last assignment' : 'assigned more recently'}`;
  });
  return [
    ...eligible.map((j) => j.candidate),
    ...judged.filter((j) => !j.candidate.eligible).map((j) => j.candidate),
  ];
}

/**
 * Gives waiting conversations to agents, off the path of the request that caused it: a trigger
 * (handoff, an agent becoming available, capacity freed, queue changes) marks the queue (or the
 * agent, whose seats go across their queues in serving order) dirty and returns; one pass per queue
 * or agent runs at a time in this process, and triggers that arrive meanwhile fold into one more
 * pass. A pass pairs waiting conversations with free seats in batches, each batch one transaction:
 * the conversations are locked with SKIP LOCKED (another instance takes others), each chosen agent's
 * state row is locked with SKIP LOCKED and re-checked, and the database's capacity trigger has the
 * last word. So several API and worker instances never double-assign or overfill an agent. The
 * worker's sweeper routes whatever a lost trigger left waiting.
 */
@Injectable()
export class RoutingEngine implements OnModuleInit, OnModuleDestroy {
  private readonly queuePasses: CoalescedRuns = new CoalescedRuns(
    (queueId) => this.route({ queueId }),
    (err, queueId) => this.passFailed(err, { queueId }, () => this.queuePasses.mark(queueId)),
  );
  /** An agent's seat goes to the best waiting conversation across all their queues, in serving order. */
  private readonly agentPasses: CoalescedRuns = new CoalescedRuns(
    (agentId) => this.route({ agentId }),
    (err, agentId) => this.passFailed(err, { agentId }, () => this.agentPasses.mark(agentId)),
  );

  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly capacity: AgentCapacity,
    private readonly events: DomainEventsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A pass refused for a busy database runs again (one warning); anything else is an error. */
  private passFailed(err: unknown, scope: { queueId?: string; agentId?: string }, again: () => void): void {
    if (err instanceof ServiceBusyError) {
      this.logger.warn(scope, 'routing pass waited too long for the database; running it again');
      again();
    } else this.logger.error({ err, ...scope }, 'routing pass failed');
  }

  onModuleInit(): void {
    this.events.subscribe((event) => this.react(event));
  }

  /** The first shutdown phase: passes under way finish while the database is still open. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.queuePasses.stop(), this.agentPasses.stop()]);
  }

  /** Resolves once every pass asked for so far has run (what a caller waits for to see its effect). */
  async idle(): Promise<void> {
    await Promise.all([this.queuePasses.idle(), this.agentPasses.idle()]);
  }

  private react(event: DomainEvent): void {
    switch (event.type) {
      case 'conversation.queued':
      case 'queue.changed':
        this.queuePasses.mark(event.queueId);
        return;
      case 'conversation.released':
        this.agentPasses.mark(event.fromUserId);
        return;
      case 'agent.status_changed':
        if (event.presence === 'available') this.agentPasses.mark(event.userId);
        return;
      default:
        return;
    }
  }

  /**
   * Assigns until nothing more can be assigned in the queue, or in the agent's queues (every queue
   * without a scope); returns how many.
   */
  async route(scope: { queueId?: string; agentId?: string } = {}): Promise<number> {
    let assigned = 0;
    for (;;) {
      const batch = await this.assignBatch(scope);
      assigned += batch.given;
      if (batch.given === 0 || !batch.more) return assigned;
    }
  }

  /**
   * One batch; `more`: it was full, so more may be waiting. (A batch that saw every waiting
   * conversation ends the pass: the next trigger, or the sweeper, looks again.)
   */
  private async assignBatch(scope: { queueId?: string; agentId?: string }) {
    // Most triggers of a storm find every seat taken: answered by one statement, not a transaction.
    if (!(await this.anySeatFree(scope))) return { given: 0, more: false };
    let more = false;
    const given = await this.prisma.$transactionAhead(async (tx) => {
      const inQueue = scope.queueId ? Prisma.sql`AND c.queue_id = ${scope.queueId}::uuid` : Prisma.empty;
      const ofAgent = scope.agentId
        ? Prisma.sql`AND c.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = ${scope.agentId}::uuid)`
        : Prisma.empty;
      // Queue priority, then conversation priority aged by waiting time, then first come first served
      // (the id breaks ties, so queue positions shown to customers use exactly this order).
      const waiting = await tx.$queryRaw<Waiting[]>`
        SELECT c.id, c.queue_id, q.routing_mode, q.required_skills, q.offer_timeout_seconds
          FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.status = 'queued' AND c.offered_to_id IS NULL AND q.routing_mode <> 'manual' AND q.archived_at IS NULL
               ${inQueue} ${ofAgent}
         ORDER BY q.priority DESC,
                  c.priority + floor(extract(epoch FROM now() - c.waiting_since) / ${AGING_SECONDS}::int) DESC,
                  c.waiting_since ASC, c.id ASC
         LIMIT ${ROUTING_BATCH}::int
           FOR UPDATE OF c SKIP LOCKED`;
      if (waiting.length === 0) return [];
      more = waiting.length === ROUTING_BATCH;
      const members = await this.membersOf(tx, [...new Set(waiting.map((w) => w.queue_id))]);
      const excluded = await this.exclusionsOf(tx, waiting);
      // Every available agent of these queues locked at once and re-read: the snapshot above may
      // already be stale, and an agent another transaction holds is left to it for this batch.
      const seats = await this.capacity.tryLockAvailableMany(tx, [...new Set(members.map((m) => m.user_id))]);
      for (const m of members) {
        const locked = seats.get(m.user_id);
        if (locked) Object.assign(m, { active_count: locked.activeCount, capacity: locked.capacity });
      }
      const given: DomainEvent[][] = [];
      const picks: Parameters<ConversationTransitions['assignMany']>[1] = [];
      for (const conversation of waiting) {
        const ranked = rankCandidates(
          members.filter((m) => m.queue_id === conversation.queue_id),
          conversation.required_skills,
          conversation.routing_mode,
          excluded.passedOn.get(conversation.id),
          excluded.transferredAway.get(conversation.id),
        );
        const candidate = ranked.find((c) => c.eligible && seats.has(c.userId));
        if (!candidate) continue;
        const note = { mode: conversation.routing_mode, reason: candidate.reason, candidates: ranked };
        if (conversation.offer_timeout_seconds) {
          const row = await this.transitions.lock(tx, conversation.id);
          given.push(
            await this.transitions.offer(tx, row, candidate.userId, note, conversation.offer_timeout_seconds),
          );
        } else {
          picks.push({
            conversation: { id: conversation.id, queueId: conversation.queue_id },
            agentId: candidate.userId,
            routing: note,
          });
        }
        // The seat just taken counts for the rest of this batch, in every queue the agent serves.
        for (const m of members.filter((m) => m.user_id === candidate.userId)) {
          m.active_count = (m.active_count ?? 0) + 1;
          m.last_assigned_at = new Date();
        }
      }
      // Assigned together: one statement for the batch, not one round trip per row.
      return [...given, ...(await this.transitions.assignMany(tx, picks))];
    });
    // Published per conversation as they are given, so each agent hears of theirs at once.
    for (const events of given) await this.events.publish(...events);
    return { given: given.length, more };
  }

  private async anySeatFree(scope: { queueId?: string; agentId?: string }): Promise<boolean> {
    const inQueue = scope.queueId ? Prisma.sql`AND m.queue_id = ${scope.queueId}::uuid` : Prisma.empty;
    const ofAgent = scope.agentId
      ? Prisma.sql`AND m.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = ${scope.agentId}::uuid)`
      : Prisma.empty;
    const [row] = await this.prisma.$queryRaw<{ free: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM queue_members m JOIN agent_states s ON s.user_id = m.user_id
                      WHERE s.presence = 'available' AND s.active_count < s.capacity ${inQueue} ${ofAgent}) AS free`;
    return row?.free ?? false;
  }

  private async membersOf(tx: Tx, queueIds: string[]): Promise<Membership[]> {
    return tx.$queryRaw<Membership[]>`
      SELECT m.queue_id, m.user_id, m.skills, s.presence::text AS presence, s.capacity, s.active_count,
             s.last_assigned_at
        FROM queue_members m
        JOIN users u ON u.id = m.user_id AND u.status = 'active'
        LEFT JOIN agent_states s ON s.user_id = m.user_id
       WHERE m.queue_id = ANY(${queueIds}::uuid[])`;
  }

  /**
   * Who may not get each conversation now. Whoever transferred it away does not get it straight back
   * (least busy would pick them, as letting go just freed their capacity); once someone else took it,
   * or after a while, they may. In offer mode, who declined or missed an offer of it rests a while.
   */
  private async exclusionsOf(tx: Tx, waiting: Waiting[]) {
    const rows = await tx.$queryRaw<{ conversation_id: string; user_id: string; passed_on: boolean }[]>`
      SELECT d.conversation_id, d.chosen_user_id AS user_id, d.mode <> 'transferred_away' AS passed_on
        FROM routing_decisions d JOIN conversations c ON c.id = d.conversation_id
       WHERE d.conversation_id = ANY(${waiting.map((w) => w.id)}::uuid[]) AND d.chosen_user_id IS NOT NULL
         AND ((d.mode = 'transferred_away'
               AND d.created_at > now() - make_interval(mins => ${TRANSFER_EXCLUSION_MINUTES}::int)
               AND d.created_at > coalesce(c.assigned_at, '-infinity'))
           OR (d.mode IN ('offer_declined', 'offer_expired')
               AND d.created_at > now() - make_interval(mins => ${OFFER_COOLDOWN_MINUTES}::int)))`;
    const offering = new Set(waiting.filter((w) => w.offer_timeout_seconds).map((w) => w.id));
    const passedOn = new Map<string, Set<string>>();
    const transferredAway = new Map<string, Set<string>>();
    for (const row of rows) {
      if (row.passed_on && !offering.has(row.conversation_id)) continue;
      const into = row.passed_on ? passedOn : transferredAway;
      const users = into.get(row.conversation_id) ?? new Set<string>();
      users.add(row.user_id);
      into.set(row.conversation_id, users);
    }
    return { passedOn, transferredAway };
  }
}
