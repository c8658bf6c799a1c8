import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { Prisma } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import {
  ConversationTransitions,
  TRANSFER_EXCLUSION_MINUTES,
} from '../conversations/conversation-transitions.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';

/** A waiting conversation gains one priority level per this many seconds of waiting, so none starves. */
export const AGING_SECONDS = 300;
const CANDIDATE_BATCH = 20;

interface Waiting {
  id: string;
  queue_id: string;
  routing_mode: 'least_busy' | 'round_robin';
  required_skills: string[];
  offer_timeout_seconds: number | null;
  assigned_at: Date | null;
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
 * Gives waiting conversations to agents. Event-driven (handoff, an agent becoming available,
 * capacity freed, queue changes) with a sweeper as safety net. Each assignment is one transaction:
 * the conversation is locked with SKIP LOCKED (another instance takes another one), the chosen
 * agent's state row is locked with SKIP LOCKED and re-checked, and the database's capacity trigger
 * has the last word. So several API and worker instances never double-assign or overfill an agent.
 */
@Injectable()
export class RoutingEngine implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly events: DomainEventsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.react(event));
  }

  private async react(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'conversation.queued':
      case 'queue.changed':
        await this.route({ queueId: event.queueId });
        return;
      case 'conversation.released':
        await this.route({ agentId: event.fromUserId });
        return;
      case 'agent.status_changed':
        if (event.presence === 'available') await this.route({ agentId: event.userId });
        return;
      default:
        return;
    }
  }

  /** Assigns until nothing more can be assigned within the scope; returns how many. */
  async route(scope: { queueId?: string; agentId?: string } = {}): Promise<number> {
    let assigned = 0;
    while (await this.assignNext(scope)) assigned += 1;
    return assigned;
  }

  private async assignNext(scope: { queueId?: string; agentId?: string }): Promise<boolean> {
    const published = await this.prisma.$transaction(async (tx) => {
      const inQueue = scope.queueId ? Prisma.sql`AND c.queue_id = ${scope.queueId}::uuid` : Prisma.empty;
      const forAgent = scope.agentId
        ? Prisma.sql`AND c.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = ${scope.agentId}::uuid)`
        : Prisma.empty;
      // Queue priority, then conversation priority aged by waiting time, then first come first served
      // (the id breaks ties, so queue positions shown to customers use exactly this order).
      const waiting = await tx.$queryRaw<Waiting[]>`
        SELECT c.id, c.queue_id, q.routing_mode, q.required_skills, q.offer_timeout_seconds, c.assigned_at
          FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.status = 'queued' AND c.offered_to_id IS NULL AND q.routing_mode <> 'manual' AND q.archived_at IS NULL
               ${inQueue} ${forAgent}
         ORDER BY q.priority DESC,
                  c.priority + floor(extract(epoch FROM now() - c.waiting_since) / ${AGING_SECONDS}) DESC,
                  c.waiting_since ASC, c.id ASC
         LIMIT ${CANDIDATE_BATCH}
         FOR UPDATE OF c SKIP LOCKED`;
      for (const conversation of waiting) {
        // Whoever transferred it away does not get it straight back (least busy would pick them, as
        // letting go just freed their capacity); once someone else took it, or after a while, they may.
        const members = await tx.$queryRaw<(Member & { transferred_away: boolean })[]>`
          SELECT m.user_id, m.skills, s.presence::text AS presence, s.capacity, s.active_count, s.last_assigned_at,
                 EXISTS (SELECT 1 FROM routing_decisions d
                          WHERE d.conversation_id = ${conversation.id}::uuid AND d.mode = 'transferred_away'
                            AND d.chosen_user_id = m.user_id
                            AND d.created_at > now() - make_interval(mins => ${TRANSFER_EXCLUSION_MINUTES})
                            AND d.created_at > coalesce(${conversation.assigned_at}::timestamptz, '-infinity')) AS transferred_away
            FROM queue_members m
            JOIN users u ON u.id = m.user_id AND u.status = 'active'
            LEFT JOIN agent_states s ON s.user_id = m.user_id
           WHERE m.queue_id = ${conversation.queue_id}::uuid`;
        const passedOn = conversation.offer_timeout_seconds
          ? await tx.$queryRaw<{ chosen_user_id: string }[]>`
              SELECT chosen_user_id FROM routing_decisions
               WHERE conversation_id = ${conversation.id}::uuid AND mode IN ('offer_declined', 'offer_expired')
                 AND created_at > now() - make_interval(mins => ${OFFER_COOLDOWN_MINUTES})`
          : [];
        const ranked = rankCandidates(
          members,
          conversation.required_skills,
          conversation.routing_mode,
          new Set(passedOn.map((p) => p.chosen_user_id)),
          new Set(members.filter((m) => m.transferred_away).map((m) => m.user_id)),
        );
        for (const candidate of ranked.filter((c) => c.eligible)) {
          // Re-checked under a row lock: the snapshot above may already be stale.
          const locked = await tx.$queryRaw<{ user_id: string }[]>`
            SELECT user_id FROM agent_states
             WHERE user_id = ${candidate.userId}::uuid AND presence = 'available' AND active_count < capacity
             FOR UPDATE SKIP LOCKED`;
          if (locked.length === 0) continue;
          const row = await this.transitions.lock(tx, conversation.id);
          const note = { mode: conversation.routing_mode, reason: candidate.reason, candidates: ranked };
          return conversation.offer_timeout_seconds
            ? this.transitions.offer(tx, row, candidate.userId, note, conversation.offer_timeout_seconds)
            : this.transitions.assign(tx, row, candidate.userId, note, null);
        }
      }
      return null;
    });
    if (!published) return false;
    await this.events.publish(...published);
    return true;
  }
}
