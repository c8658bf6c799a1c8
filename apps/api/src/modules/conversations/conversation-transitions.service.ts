import type { Resolution } from '@baton/contracts';
import { ConversationsErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { randomUUID } from 'node:crypto';
import {
  Prisma,
  type Conversation,
  type ConversationStatus,
  type Queue,
} from '../../generated/prisma/client.js';
import type { Tx } from '../../prisma/prisma.service.js';
import { AgentCapacity } from '../agents/agent-capacity.service.js';
import { AuditService, auditInsertFrom } from '../audit/audit.service.js';
import type { DomainEvent } from '../events/domain-events.service.js';
import { canMove, refusalOf, statusAfter, type ConversationMove } from './conversation-moves.js';
import { MessageLog, type TranscriptLine } from './message-log.service.js';

export interface RoutingNote {
  mode: string;
  reason: string;
  candidates: unknown[];
}

/**
 * An agent who transferred a conversation away is not routed it again until someone else has taken
 * it, or for this long at most: a customer whose only available agent let go still gets an answer.
 */
export const TRANSFER_EXCLUSION_MINUTES = 10;

/** The columns of a conversation that has just been given to an agent (any open offer ends). */
const assignedTo = (status: ConversationStatus, agentId: string) =>
  ({
    status,
    assigneeId: agentId,
    assignedAt: new Date(),
    offeredToId: null,
    offerExpiresAt: null,
  }) as const;

const OFFER_OUTCOME_REASON = {
  declined: 'the agent declined the offer',
  expired: 'the offer was not answered in time',
  withdrawn: 'the agent went offline',
} as const;

/** The agent who held (or was offered) the conversation has room again. */
const released = (c: Conversation, fromUserId: string): DomainEvent => ({
  type: 'conversation.released',
  conversationId: c.id,
  queueId: c.queueId,
  fromUserId,
});

/** Where a handoff sends the conversation, and what travels with it. */
export interface Handoff {
  queueId: string;
  priority: number;
  reason: string | null;
  summary: string | null;
  intent: string | null;
  context: Record<string, unknown>;
}

/** The audit row of a handoff (its timeline event carries the same data). */
const handedOffData = (input: Handoff) => ({
  queueId: input.queueId,
  priority: input.priority,
  reason: input.reason,
  intent: input.intent,
  source: input.context.source ?? null,
});

/** The SLA deadlines a handoff at `now` sets in the queue (null where the queue has no target). */
const slaDue = (queue: Pick<Queue, 'slaFirstResponseSeconds' | 'slaResolutionSeconds'>, now: number) => {
  const due = (seconds: number | null) => (seconds ? new Date(now + seconds * 1000) : null);
  return {
    firstResponseDueAt: due(queue.slaFirstResponseSeconds),
    resolutionDueAt: due(queue.slaResolutionSeconds),
  };
};

/** What a handoff publishes after commit: the queue's routing and the SLA timers react to it. */
const handedOffEvents = (
  c: { id: string; queueId: string | null },
  queueId: string,
  due: ReturnType<typeof slaDue>,
): DomainEvent[] => [
  {
    type: 'conversation.queued',
    conversationId: c.id,
    queueId,
    ...(c.queueId && c.queueId !== queueId ? { fromQueueId: c.queueId } : {}),
  },
  {
    type: 'conversation.handed_off',
    conversationId: c.id,
    firstResponseDueAt: due.firstResponseDueAt?.toISOString() ?? null,
    resolutionDueAt: due.resolutionDueAt?.toISOString() ?? null,
  },
];

/**
 * The only code that changes a conversation's status. Each method runs inside the caller's
 * transaction on a row it has locked, checks the move against the state machine
 * (`conversation-moves.ts`; 409 when illegal), writes the change, the timeline event and the audit
 * event, and returns the domain events to publish after commit.
 */
@Injectable()
export class ConversationTransitions {
  constructor(
    private readonly audit: AuditService,
    private readonly capacity: AgentCapacity,
    private readonly messages: MessageLog,
  ) {}

  /** Stores a routing decision: who got (or was offered, or passed on) the conversation, and why. */
  private async decide(tx: Tx, c: Conversation, chosenUserId: string, note: RoutingNote): Promise<void> {
    await tx.routingDecision.create({
      data: {
        conversationId: c.id,
        queueId: c.queueId,
        mode: note.mode,
        chosenUserId,
        reason: note.reason,
        candidates: note.candidates as object[],
      },
    });
  }

  /** Locks the conversation row for the rest of the transaction. */
  async lock(tx: Tx, id: string): Promise<Conversation> {
    const conversation = await this.lockIfPresent(tx, id);
    if (!conversation) throw new DomainError(CommonErrorCode.NotFound, 'No such conversation.', 404);
    return conversation;
  }

  /** Like {@link lock}, null when there is no such conversation. */
  async lockIfPresent(tx: Tx, id: string): Promise<Conversation | null> {
    await tx.$executeRaw`SELECT 1 FROM conversations WHERE id = ${id}::uuid FOR UPDATE`;
    return tx.conversation.findUnique({ where: { id } });
  }

  /** A new conversation of a contact on a channel, with the bot (the caller holds what serialises it). */
  async start(tx: Tx, channelId: string, contactId: string): Promise<Conversation> {
    return tx.conversation.create({ data: { channelId, contactId } });
  }

  /** Checks the move is legal from the conversation's status (409 otherwise); returns the status after it. */
  private move(conversation: Conversation, move: ConversationMove): ConversationStatus {
    const refusal = refusalOf(move, conversation.status);
    if (refusal) throw new DomainError(ConversationsErrorCode.IllegalTransition, refusal, 409);
    return statusAfter(move, conversation.status);
  }

  private async record(
    tx: Tx,
    conversation: Conversation,
    type: Parameters<AuditService['record']>[1]['action'],
    data: Record<string, unknown>,
    actorUserId: string | null,
  ): Promise<void> {
    await tx.conversationEvent.create({
      data: { conversationId: conversation.id, type, actorUserId, data: data as object },
    });
    await this.audit.record(tx, {
      action: type,
      target: { type: 'conversation', id: conversation.id },
      data,
      ...(actorUserId === null && { actor: null }),
    });
  }

  /**
   * A bot or system line (not a status change, but it shares the row lock the caller holds, which
   * keeps `seq` gap-free), audited with `data`.
   */
  async postAutomated(
    tx: Tx,
    conversationId: string,
    body: string,
    authorKind: 'bot' | 'system',
    data: Record<string, unknown>,
  ): Promise<DomainEvent[]> {
    const { event } = await this.messages.append(
      tx,
      conversationId,
      { authorKind, kind: authorKind, body },
      { action: 'message.created', bySystem: true, data: { author: authorKind, ...data } },
    );
    return [event];
  }

  /** A bot turn that did not help; enough of them in a row and the bot hands off. */
  async countUnhelpfulTurn(tx: Tx, conversationId: string): Promise<void> {
    await tx.conversation.update({
      where: { id: conversationId },
      data: { unhelpfulTurns: { increment: 1 } },
    });
  }

  /** Bot → queue: the handoff's context travels with it, and the SLA clocks start now. */
  async handoff(tx: Tx, c: Conversation, input: Handoff, actorUserId: string | null): Promise<DomainEvent[]> {
    const status = this.move(c, 'hand_off');
    const queue = await tx.queue.findFirst({ where: { id: input.queueId, archivedAt: null } });
    if (!queue) throw new DomainError(ConversationsErrorCode.UnknownQueue, 'No such queue.', 400);
    // Re-read: the caller may have added messages (the bot's goodbye, a transcript) under the lock.
    const { lastSeq } = await tx.conversation.findUniqueOrThrow({
      where: { id: c.id },
      select: { lastSeq: true },
    });
    const now = Date.now();
    const due = slaDue(queue, now);
    await tx.conversation.update({
      where: { id: c.id },
      data: {
        status,
        queueId: queue.id,
        priority: input.priority,
        handoffReason: input.reason,
        handoffSummary: input.summary,
        handoffIntent: input.intent,
        handoffContext: input.context as object,
        handedOffAt: new Date(now),
        handoffSeq: lastSeq,
        waitingSince: new Date(now),
        ...due,
        resolution: null,
      },
    });
    await this.record(
      tx,
      c,
      'conversation.handed_off',
      handedOffData({ ...input, queueId: queue.id }),
      actorUserId,
    );
    return handedOffEvents(c, queue.id, due);
  }

  /**
   * A conversation that begins handed off (an external bot's case): inserted queued, the bot's
   * transcript as its first messages, with its timeline event and the audit rows of both, in one
   * statement: the rows {@link start}, a transcript's messages and {@link handoff} write, without their
   * round trips. `queue`: read (not archived) in this transaction by the caller.
   */
  async openHandedOff(
    tx: Tx,
    input: {
      channelId: string;
      contactId: string;
      queue: Pick<Queue, 'id' | 'slaFirstResponseSeconds' | 'slaResolutionSeconds'>;
      handoff: Omit<Handoff, 'queueId'>;
      transcript: TranscriptLine[];
      /** What the transcript's `message.created` audit event says. */
      transcriptAudit: Record<string, unknown>;
    },
  ): Promise<{ id: string; events: DomainEvent[] }> {
    const id = randomUUID();
    const handoff: Handoff = { ...input.handoff, queueId: input.queue.id };
    const status = statusAfter('hand_off', 'bot');
    const now = Date.now();
    const at = new Date(now).toISOString();
    const due = slaDue(input.queue, now);
    const seqs = input.transcript.length;
    const lines = input.transcript;
    const data = handedOffData(handoff);
    const target = { type: 'conversation', id };
    const inserted = Prisma.sql`c`;
    const nothingMore = Prisma.sql`'{}'::jsonb`;
    await tx.$executeRaw`
      WITH c AS (
        INSERT INTO conversations
               (id, channel_id, contact_id, status, queue_id, priority, handoff_reason, handoff_summary,
                handoff_intent, handoff_context, handed_off_at, handoff_seq, waiting_since,
                first_response_due_at, resolution_due_at, last_seq, updated_at)
        VALUES (${id}::uuid, ${input.channelId}::uuid, ${input.contactId}::uuid,
                ${status}::"ConversationStatus", ${handoff.queueId}::uuid, ${handoff.priority}, ${handoff.reason},
                ${handoff.summary}, ${handoff.intent}, ${JSON.stringify(handoff.context)}::jsonb,
                ${at}::timestamptz, ${seqs}, ${at}::timestamptz,
                ${due.firstResponseDueAt?.toISOString() ?? null}::timestamptz,
                ${due.resolutionDueAt?.toISOString() ?? null}::timestamptz, ${seqs}, ${at}::timestamptz)
        RETURNING id
      ), m AS (
        INSERT INTO messages (id, conversation_id, seq, author_kind, kind, body, created_at)
        SELECT gen_random_uuid(), c.id, t.seq::int, t.author::"AuthorKind", t.author::"MessageKind", t.body,
               coalesce(t.at, now())
          FROM c, unnest(${lines.map((l) => l.authorKind)}::text[], ${lines.map((l) => l.body)}::text[],
                         ${lines.map((l) => l.createdAt?.toISOString() ?? null)}::timestamptz[])
                  WITH ORDINALITY AS t(author, body, at, seq)
      ), e AS (
        INSERT INTO conversation_events (id, conversation_id, type, data)
        SELECT ${randomUUID()}::uuid, c.id, 'conversation.handed_off', ${JSON.stringify(data)}::jsonb FROM c
      ), transcript_audit AS (
        ${auditInsertFrom({ action: 'message.created', target, data: input.transcriptAudit }, inserted, nothingMore)}
      ), handoff_audit AS (
        ${auditInsertFrom({ action: 'conversation.handed_off', target, data, actor: null }, inserted, nothingMore)}
      )
      SELECT 1`;
    return { id, events: handedOffEvents({ id, queueId: null }, handoff.queueId, due) };
  }

  async assign(
    tx: Tx,
    c: Conversation,
    agentId: string,
    routing: RoutingNote,
    actorUserId: string | null,
  ): Promise<DomainEvent[]> {
    const status = this.move(c, 'assign');
    await this.capacity.reserve(tx, agentId);
    await tx.conversation.update({
      where: { id: c.id },
      data: assignedTo(status, agentId),
    });
    await this.decide(tx, c, agentId, routing);
    await this.record(
      tx,
      c,
      'conversation.assigned',
      { assigneeId: agentId, mode: routing.mode, reason: routing.reason },
      actorUserId,
    );
    return [{ type: 'conversation.assigned', conversationId: c.id, queueId: c.queueId, assigneeId: agentId }];
  }

  /**
   * {@link assign} for a batch routing paired: every conversation (queued, its row locked by the
   * caller, as are the agents' state rows) given to its agent in one statement with its decision,
   * timeline event and audit row, and the agents' seats taken in one more.
   */
  async assignMany(
    tx: Tx,
    picks: { conversation: { id: string; queueId: string }; agentId: string; routing: RoutingNote }[],
  ): Promise<DomainEvent[][]> {
    if (picks.length === 0) return [];
    const seats = new Map<string, number>();
    for (const p of picks) seats.set(p.agentId, (seats.get(p.agentId) ?? 0) + 1);
    await this.capacity.reserveMany(tx, seats);
    const status = statusAfter('assign', 'queued');
    const given = Prisma.sql`g`;
    const data = Prisma.sql`jsonb_build_object('assigneeId', g.agent_id, 'mode', g.mode, 'reason', g.reason)`;
    const [row] = await tx.$queryRaw<{ given: number }[]>`
      WITH p AS (
        SELECT * FROM unnest(${picks.map((p) => p.conversation.id)}::uuid[], ${picks.map((p) => p.agentId)}::uuid[],
                             ${picks.map((p) => p.routing.mode)}::text[], ${picks.map((p) => p.routing.reason)}::text[],
                             ${picks.map((p) => JSON.stringify(p.routing.candidates))}::jsonb[])
                 AS p(id, agent_id, mode, reason, candidates)
      ), g AS (
        UPDATE conversations c
           SET status = ${status}::"ConversationStatus", assignee_id = p.agent_id, assigned_at = now(),
               offered_to_id = NULL, offer_expires_at = NULL, updated_at = now()
          FROM p
         WHERE c.id = p.id AND c.status = 'queued' AND c.offered_to_id IS NULL
     RETURNING c.id, c.queue_id, p.agent_id, p.mode, p.reason, p.candidates
      ), d AS (
        INSERT INTO routing_decisions (id, conversation_id, queue_id, mode, chosen_user_id, reason, candidates)
        SELECT gen_random_uuid(), g.id, g.queue_id, g.mode, g.agent_id, g.reason, g.candidates FROM g
      ), e AS (
        INSERT INTO conversation_events (id, conversation_id, type, data)
        SELECT gen_random_uuid(), g.id, 'conversation.assigned', ${data} FROM g
      ), a AS (
        ${auditInsertFrom({ action: 'conversation.assigned', target: { type: 'conversation' }, actor: null }, given, data, Prisma.sql`g.id::text`)}
      )
      SELECT count(*)::int AS given FROM g`;
    // The caller locked every row as queued: anything else is a bug, and the seats must not stay taken.
    if (row?.given !== picks.length)
      throw new Error(`assigned ${row?.given} of ${picks.length} conversations`);
    return picks.map((p) => [
      {
        type: 'conversation.assigned',
        conversationId: p.conversation.id,
        queueId: p.conversation.queueId,
        assigneeId: p.agentId,
      },
    ]);
  }

  /**
   * Offer mode: the agent's capacity is reserved and the conversation waits for their answer, still
   * queued (routing skips conversations that carry an offer).
   */
  async offer(
    tx: Tx,
    c: Conversation,
    agentId: string,
    routing: RoutingNote,
    timeoutSeconds: number,
  ): Promise<DomainEvent[]> {
    this.move(c, 'offer');
    await this.capacity.reserve(tx, agentId);
    const expiresAt = new Date(Date.now() + timeoutSeconds * 1000);
    await tx.conversation.update({
      where: { id: c.id },
      data: { offeredToId: agentId, offerExpiresAt: expiresAt },
    });
    await this.decide(tx, c, agentId, { ...routing, mode: `${routing.mode}+offer` });
    await this.record(
      tx,
      c,
      'conversation.offered',
      { userId: agentId, expiresAt: expiresAt.toISOString() },
      null,
    );
    return [
      {
        type: 'conversation.offered',
        conversationId: c.id,
        userId: agentId,
        expiresAt: expiresAt.toISOString(),
      },
    ];
  }

  async acceptOffer(tx: Tx, c: Conversation, agentId: string): Promise<DomainEvent[]> {
    const status = this.move(c, 'accept_offer');
    if (c.offeredToId !== agentId || !c.offerExpiresAt || c.offerExpiresAt.getTime() <= Date.now()) {
      throw new DomainError(
        ConversationsErrorCode.NoOffer,
        'There is no open offer of this conversation for you.',
        409,
      );
    }
    // Capacity was reserved with the offer.
    await tx.conversation.update({
      where: { id: c.id },
      data: assignedTo(status, agentId),
    });
    await this.record(
      tx,
      c,
      'conversation.assigned',
      { assigneeId: agentId, mode: 'offer_accepted' },
      agentId,
    );
    return [{ type: 'conversation.assigned', conversationId: c.id, queueId: c.queueId, assigneeId: agentId }];
  }

  /**
   * The offer was declined, timed out, or withdrawn because the agent went offline: capacity freed,
   * and routing looks for someone else.
   */
  async withdrawOffer(
    tx: Tx,
    c: Conversation,
    outcome: 'declined' | 'expired' | 'withdrawn',
    actorUserId: string | null,
  ): Promise<DomainEvent[]> {
    this.move(c, 'withdraw_offer');
    const agentId = c.offeredToId;
    if (!agentId)
      throw new DomainError(ConversationsErrorCode.NoOffer, 'This conversation has no open offer.', 409);
    await this.capacity.release(tx, agentId);
    await tx.conversation.update({ where: { id: c.id }, data: { offeredToId: null, offerExpiresAt: null } });
    await this.decide(tx, c, agentId, {
      mode: `offer_${outcome}`,
      reason: OFFER_OUTCOME_REASON[outcome],
      candidates: [],
    });
    await this.record(tx, c, `conversation.offer_${outcome}`, { userId: agentId }, actorUserId);
    return [released(c, agentId), { type: 'conversation.queued', conversationId: c.id, queueId: c.queueId! }];
  }

  /** Back to the queue at its original place (`waiting_since` is kept). */
  async unassign(
    tx: Tx,
    c: Conversation,
    reason: string,
    actorUserId: string | null,
  ): Promise<DomainEvent[]> {
    const status = this.move(c, 'unassign');
    await this.capacity.release(tx, c.assigneeId!);
    await tx.conversation.update({ where: { id: c.id }, data: { status, assigneeId: null } });
    await this.record(tx, c, 'conversation.unassigned', { fromUserId: c.assigneeId, reason }, actorUserId);
    return [
      released(c, c.assigneeId!),
      { type: 'conversation.queued', conversationId: c.id, queueId: c.queueId! },
    ];
  }

  async transferToQueue(
    tx: Tx,
    c: Conversation,
    queueId: string,
    actorUserId: string,
  ): Promise<DomainEvent[]> {
    const status = this.move(c, 'transfer_to_queue');
    const events: DomainEvent[] = [];
    if (c.status === 'assigned') {
      await this.capacity.release(tx, c.assigneeId!);
      events.push(released(c, c.assigneeId!));
    }
    await tx.conversation.update({
      where: { id: c.id },
      data: { status, assigneeId: null, queueId, offeredToId: null, offerExpiresAt: null },
    });
    if (c.assigneeId && c.status === 'assigned') {
      // Recorded as a decision so routing keeps it away from them and "why routed" can say so.
      await this.decide(tx, c, c.assigneeId, {
        mode: 'transferred_away',
        reason:
          `${queueId === c.queueId ? 'put it back in its queue' : 'transferred it to another queue'}: ` +
          `not routed back to them until someone else has taken it, or for ${TRANSFER_EXCLUSION_MINUTES} minutes`,
        candidates: [],
      });
    }
    await this.record(
      tx,
      c,
      'conversation.transferred',
      { fromQueueId: c.queueId, toQueueId: queueId, fromUserId: c.assigneeId },
      actorUserId,
    );
    events.push({
      type: 'conversation.queued',
      conversationId: c.id,
      queueId,
      ...(c.queueId && c.queueId !== queueId ? { fromQueueId: c.queueId } : {}),
    });
    return events;
  }

  async transferToAgent(
    tx: Tx,
    c: Conversation,
    toUserId: string,
    actorUserId: string,
  ): Promise<DomainEvent[]> {
    const status = this.move(c, 'transfer_to_agent');
    const events: DomainEvent[] = [];
    if (c.status === 'assigned') {
      if (c.assigneeId === toUserId) return [];
      await this.capacity.release(tx, c.assigneeId!);
      events.push(released(c, c.assigneeId!));
    }
    await this.capacity.reserve(tx, toUserId);
    await tx.conversation.update({
      where: { id: c.id },
      data: assignedTo(status, toUserId),
    });
    await this.decide(tx, c, toUserId, {
      mode: 'transfer',
      reason: `transferred by ${actorUserId}`,
      candidates: [],
    });
    await this.record(
      tx,
      c,
      'conversation.transferred',
      { fromUserId: c.assigneeId, toUserId, queueId: c.queueId },
      actorUserId,
    );
    events.push({
      type: 'conversation.assigned',
      conversationId: c.id,
      queueId: c.queueId,
      assigneeId: toUserId,
    });
    return events;
  }

  async resolve(
    tx: Tx,
    c: Conversation,
    resolution: Resolution,
    actorUserId: string | null,
  ): Promise<DomainEvent[]> {
    const status = this.move(c, 'resolve');
    await this.capacity.release(tx, c.assigneeId!);
    const resolvedAt = new Date();
    await tx.conversation.update({
      where: { id: c.id },
      data: { status, resolvedAt, resolution },
    });
    await this.record(tx, c, 'conversation.resolved', { assigneeId: c.assigneeId, resolution }, actorUserId);
    return [
      released(c, c.assigneeId!),
      { type: 'conversation.changed', conversationId: c.id },
      {
        type: 'conversation.resolved',
        conversationId: c.id,
        resolvedAt: resolvedAt.toISOString(),
        resolution,
      },
    ];
  }

  /** A resolved conversation goes back to its queue (a customer wrote again, or an agent reopened it). */
  async reopen(tx: Tx, c: Conversation, reason: string, actorUserId: string | null): Promise<DomainEvent[]> {
    const status = this.move(c, 'reopen');
    if (!c.queueId)
      throw new DomainError(
        ConversationsErrorCode.NoQueue,
        'This conversation has no queue to return to.',
        409,
      );
    await tx.conversation.update({
      where: { id: c.id },
      data: { status, assigneeId: null, resolvedAt: null, waitingSince: new Date() },
    });
    await this.record(
      tx,
      c,
      'conversation.reopened',
      { reason, previousAssigneeId: c.assigneeId },
      actorUserId,
    );
    return [{ type: 'conversation.queued', conversationId: c.id, queueId: c.queueId }];
  }

  async handBackToBot(tx: Tx, c: Conversation, actorUserId: string): Promise<DomainEvent[]> {
    const status = this.move(c, 'hand_back');
    const events: DomainEvent[] = [{ type: 'conversation.changed', conversationId: c.id }];
    if (c.status === 'assigned') {
      await this.capacity.release(tx, c.assigneeId!);
      events.push(released(c, c.assigneeId!));
    }
    await tx.conversation.update({
      where: { id: c.id },
      data: { status, assigneeId: null, waitingSince: null, offeredToId: null, offerExpiresAt: null },
    });
    await this.record(tx, c, 'conversation.handed_back', { fromUserId: c.assigneeId }, actorUserId);
    return events;
  }

  async close(tx: Tx, c: Conversation): Promise<DomainEvent[]> {
    const status = this.move(c, 'close');
    await tx.conversation.update({ where: { id: c.id }, data: { status, closedAt: new Date() } });
    await this.record(tx, c, 'conversation.closed', {}, null);
    return [{ type: 'conversation.changed', conversationId: c.id }];
  }

  async setPriority(tx: Tx, c: Conversation, priority: number, actorUserId: string): Promise<DomainEvent[]> {
    this.move(c, 'set_priority');
    await tx.conversation.update({ where: { id: c.id }, data: { priority } });
    await this.record(
      tx,
      c,
      'conversation.priority_changed',
      { from: c.priority, to: priority },
      actorUserId,
    );
    return c.status === 'queued'
      ? [{ type: 'conversation.queued', conversationId: c.id, queueId: c.queueId! }]
      : [{ type: 'conversation.changed', conversationId: c.id }];
  }

  /**
   * An SLA deadline passed: if it was missed (the conversation still waits for its first answer, or
   * for its resolution, and no newer handoff moved the deadline), the breach goes on the timeline and
   * the audit trail, and the queue's supervisors are told. Otherwise nothing happens.
   */
  async recordSlaBreach(
    tx: Tx,
    c: Conversation,
    kind: 'first_response' | 'resolution',
    dueAt: string,
  ): Promise<DomainEvent[]> {
    if (!canMove('record_sla_breach', c.status)) return [];
    const deadline = kind === 'first_response' ? c.firstResponseDueAt : c.resolutionDueAt;
    // A newer handoff moved the deadline; its own check will judge.
    if (deadline?.getTime() !== new Date(dueAt).getTime()) return [];
    if (kind === 'first_response' && c.firstResponseAt) return [];
    // Recorded once per deadline, however often its check runs (a retry, a rebuilt timer).
    const recorded = await tx.conversationEvent.findFirst({
      where: {
        conversationId: c.id,
        type: 'conversation.sla_breached',
        AND: [{ data: { path: ['kind'], equals: kind } }, { data: { path: ['dueAt'], equals: dueAt } }],
      },
      select: { id: true },
    });
    if (recorded) return [];
    await tx.conversationEvent.create({
      data: { conversationId: c.id, type: 'conversation.sla_breached', data: { kind, dueAt } },
    });
    await this.audit.record(tx, {
      action: 'conversation.sla_breached',
      result: 'failed',
      actor: null,
      target: { type: 'conversation', id: c.id },
      data: { kind, dueAt, queueId: c.queueId, assigneeId: c.assigneeId },
    });
    return [{ type: 'conversation.sla_breached', conversationId: c.id, queueId: c.queueId, kind }];
  }
}
