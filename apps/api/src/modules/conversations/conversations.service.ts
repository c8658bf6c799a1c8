import { Permission } from '@baton/authz';
import type {
  Conversation as ConversationDto,
  ConversationCursor,
  ConversationCustomer,
  ConversationListItem,
  ConversationListQuery,
  ConversationListView,
  ConversationPage,
  ConversationStatus,
  HandoffBrief,
  Resolution,
  Message as MessageDto,
  RoutingDecision,
  SendMessageRequest,
  TimelineEvent,
  TransferColleague,
  TransferRequest,
} from '@baton/contracts';
import { ConversationsErrorCode, encodeConversationCursor, TransferErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { Prisma, type Conversation } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AgentCapacity } from '../agents/agent-capacity.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthSession } from '../auth/session.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { toConversation, toMessage, withAuthor } from './conversation.mapper.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { HandoffBriefs } from './handoff-briefs.service.js';
import { MessageLog, type Appended, type MessageAudit, type NewMessage } from './message-log.service.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

interface LastMessageRow {
  conversation_id: string;
  author_kind: NonNullable<ConversationListItem['lastMessage']>['authorKind'];
  body: string;
  created_at: Date;
}

/**
 * The rows after `cursor` in the inbox order (priority descending, then waiting since ascending with
 * conversations that never waited last, then id).
 */
function after(cursor: ConversationCursor): Prisma.ConversationWhereInput {
  const samePriority: Prisma.ConversationWhereInput[] = cursor.waitingSince
    ? [
        { waitingSince: { gt: cursor.waitingSince } },
        { waitingSince: null },
        { waitingSince: cursor.waitingSince, id: { gt: cursor.id } },
      ]
    : [{ waitingSince: null, id: { gt: cursor.id } }];
  return {
    OR: [{ priority: { lt: cursor.priority } }, { priority: cursor.priority, OR: samePriority }],
  };
}

interface ColleagueRow {
  user_id: string;
  display_name: string;
  presence: 'available' | 'away';
  active_count: number;
  capacity: number;
}

/** A conversation's fields that decide who receives its live events. */
export type ConversationAudience = Pick<
  Conversation,
  'id' | 'status' | 'queueId' | 'assigneeId' | 'contactId'
>;

/** SQL: the conversation `c` is visible to the session's user (assigned to them, or in one of their queues). */
function visibleTo(session: AuthSession): Prisma.Sql {
  const user = Prisma.sql`${session.userId}::uuid`;
  return Prisma.sql`(c.assignee_id = ${user}
    OR c.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = ${user}))`;
}

export interface HandoffInput {
  queueId: string;
  priority?: number;
  reason?: string | null;
  summary?: string | null;
  intent?: string | null;
  /** Where the handoff came from and what travelled with it (see ZConversation's `handoff.context`). */
  context?: Record<string, unknown>;
}

/**
 * Conversations as staff see and work them. Record-level access lives here: an agent reaches the
 * conversations of their queues and those assigned to them; anything else is a 404 (no existence
 * leak), and the attempt is audited.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
    private readonly briefs: HandoffBriefs,
    private readonly messageLog: MessageLog,
    private readonly contacts: ContactsService,
    private readonly capacity: AgentCapacity,
  ) {}

  /**
   * Runs `step` on the locked conversation in one transaction and publishes its events after commit.
   * Returns them (empty when the step decided there was nothing to do).
   */
  async transition(
    id: string,
    step: (tx: Tx, conversation: Conversation) => Promise<DomainEvent[]>,
  ): Promise<DomainEvent[]> {
    const events = await this.prisma.$transaction(async (tx) =>
      step(tx, await this.transitions.lock(tx, id)),
    );
    await this.events.publish(...events);
    return events;
  }

  private async run(
    id: string,
    step: (tx: Tx, conversation: Conversation) => Promise<DomainEvent[]>,
  ): Promise<ConversationDto> {
    await this.transition(id, step);
    // Read after publishing: what the transition committed (and anything a routing pass did since).
    return toConversation(await this.prisma.conversation.findUniqueOrThrow({ where: { id } }));
  }

  private async queueIdsOf(userId: string): Promise<string[]> {
    const memberships = await this.prisma.queueMember.findMany({
      where: { userId },
      select: { queueId: true },
    });
    return memberships.map((m) => m.queueId);
  }

  /**
   * Who hears of the conversation live (its audience and its customer), if this session may see it:
   * one read, for events as frequent as typing. Otherwise the same 404 as {@link visible}.
   */
  async audience(session: AuthSession, id: string): Promise<ConversationAudience> {
    const [row] = await this.prisma.$queryRaw<ConversationAudience[]>`
      SELECT c.id, c.status::text AS status, c.queue_id AS "queueId", c.assignee_id AS "assigneeId",
             c.contact_id AS "contactId"
        FROM conversations c
       WHERE c.id = ${id}::uuid AND ${visibleTo(session)}`;
    return row ?? (await this.visible(session, id));
  }

  /** The conversation if this session may see it; otherwise 404, audited as a denial. */
  private async visible(session: AuthSession, id: string): Promise<Conversation> {
    const conversation = await this.prisma.conversation.findUnique({ where: { id } });
    const allowed =
      conversation !== null &&
      (conversation.assigneeId === session.userId ||
        (conversation.queueId !== null &&
          (await this.queueIdsOf(session.userId)).includes(conversation.queueId)));
    if (!conversation || !allowed) {
      await this.audit.recordNow({
        action: 'access.denied',
        result: 'denied',
        target: { type: 'conversation', id },
        data: { status: 404, reason: conversation ? 'record_not_visible' : 'not_found' },
      });
      throw new DomainError(CommonErrorCode.NotFound, 'No such conversation.', 404);
    }
    return conversation;
  }

  private assertAssignedTo(session: AuthSession, c: Conversation, action: string): void {
    if (c.assigneeId !== session.userId && !session.permissions.has(Permission.ConversationSupervise)) {
      throw new DomainError(
        ConversationsErrorCode.NotYours,
        `Only the assigned agent or a supervisor can ${action}.`,
        403,
      );
    }
  }

  /**
   * One page of my open conversations and those in my queues (see `ZConversationListQuery` for the
   * views), each with its channel and last visible message. Keyset-paged: a page starts after the
   * previous page's last row in the list's order, so rows arriving meanwhile neither repeat nor push
   * others off a page, and a deep page reads no more than the first (the open conversations of my
   * queues, from `conversations_open_queue_idx`).
   */
  async list(session: AuthSession, query: ConversationListQuery): Promise<ConversationPage> {
    const queueIds = query.view === 'mine' ? [] : await this.queueIdsOf(session.userId);
    const open = { in: ['queued', 'assigned'] as ConversationStatus[] };
    const scope = (
      {
        open: {
          status: open,
          OR: [{ assigneeId: session.userId }, { queueId: { in: queueIds } }],
        },
        mine: { status: open, assigneeId: session.userId },
        queued: { status: 'queued' as const, queueId: { in: queueIds } },
      } satisfies Record<ConversationListView, Prisma.ConversationWhereInput>
    )[query.view];
    // The page's ids first, from the index alone (the rows of a busy queue lie all over the table),
    // then just those rows.
    const found = await this.prisma.conversation.findMany({
      where: query.cursor ? { AND: [scope, after(query.cursor)] } : scope,
      select: { id: true, priority: true, waitingSince: true },
      orderBy: [{ priority: 'desc' }, { waitingSince: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
      take: query.limit + 1,
    });
    const ids = found.slice(0, query.limit).map((r) => r.id);
    // The cursor is where the page ended when it was read, whatever that row has become since.
    const end = found.length > query.limit ? found[query.limit - 1] : undefined;
    const byId = new Map(
      (
        await this.prisma.conversation.findMany({
          where: { id: { in: ids } },
          include: { channel: { select: { name: true } } },
        })
      ).map((row) => [row.id, row]),
    );
    // A row that changed between the two reads still shows, as it is now, in the place it was found.
    const page = ids.flatMap((id) => byId.get(id) ?? []);
    // The newest visible message of each, one index probe per conversation (not all their messages).
    const last = page.length
      ? await this.prisma.$queryRaw<LastMessageRow[]>(Prisma.sql`
          SELECT c.id AS conversation_id, m.author_kind::text AS author_kind, left(m.body, 140) AS body, m.created_at
            FROM unnest(${page.map((r) => r.id)}::uuid[]) AS c(id)
            CROSS JOIN LATERAL (
              SELECT author_kind, body, created_at FROM messages
               WHERE conversation_id = c.id AND NOT internal ORDER BY seq DESC LIMIT 1) AS m`)
      : [];
    const byConversation = new Map(last.map((m) => [m.conversation_id, m]));
    const items = page.map((row) => {
      const m = byConversation.get(row.id);
      return {
        ...toConversation(row),
        channelName: row.channel.name,
        lastMessage: m
          ? { authorKind: m.author_kind, body: m.body, createdAt: m.created_at.toISOString() }
          : null,
      };
    });
    return {
      items,
      nextCursor: end
        ? encodeConversationCursor({ ...end, waitingSince: end.waitingSince?.toISOString() ?? null })
        : null,
    };
  }

  async get(session: AuthSession, id: string): Promise<ConversationDto> {
    return toConversation(await this.visible(session, id));
  }

  /** Exactly the messages after `afterSeq`, in order: what a client that missed some asks for. */
  async messages(session: AuthSession, id: string, afterSeq: number, limit: number): Promise<MessageDto[]> {
    await this.visible(session, id);
    const rows = await this.prisma.message.findMany({
      where: { conversationId: id, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
      include: withAuthor,
    });
    return rows.map(toMessage);
  }

  /**
   * Who the customer is: the contact's details, decrypted for this answer only, and how often they
   * came before. Reading personal data is audited, with the fields that were revealed.
   */
  async customer(session: AuthSession, id: string): Promise<ConversationCustomer> {
    const conversation = await this.visible(session, id);
    const [contact, channel, previousConversations] = await Promise.all([
      this.contacts.reveal(conversation.contactId),
      this.prisma.channel.findUnique({
        where: { id: conversation.channelId },
        select: { id: true, name: true, kind: true },
      }),
      this.prisma.conversation.count({ where: { contactId: conversation.contactId, id: { not: id } } }),
    ]);
    const details = {
      name: contact?.name ?? null,
      email: contact?.email ?? null,
      phone: contact?.phone ?? null,
    };
    await this.audit.recordNow({
      action: 'conversation.customer_viewed',
      target: { type: 'conversation', id },
      data: {
        contactId: contact?.id ?? null,
        fields: Object.entries(details)
          .filter(([, value]) => value !== null)
          .map(([field]) => field),
      },
    });
    return {
      contactId: contact?.id ?? null,
      ...details,
      channel,
      previousConversations,
      firstSeenAt: contact?.createdAt.toISOString() ?? null,
      context: (conversation.handoffContext as Record<string, unknown> | null) ?? null,
    };
  }

  /** The conversation's timeline (handoff, offers, assignment, transfers, resolution, SLA breaches). */
  async timeline(session: AuthSession, id: string): Promise<TimelineEvent[]> {
    await this.visible(session, id);
    const rows = await this.prisma.conversationEvent.findMany({
      where: { conversationId: id },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((e) => ({
      id: e.id,
      type: e.type,
      actorUserId: e.actorUserId,
      data: (e.data ?? {}) as Record<string, unknown>,
      createdAt: e.createdAt.toISOString(),
    }));
  }

  /**
   * Every routing decision taken for the conversation, with each candidate and the verdict on it, and
   * the names of the people it mentions: candidates need not be in the viewer's queues, nor agents
   * (an admin member of the queue is a candidate too), so the viewer's own lists cannot name them.
   */
  async routingDecisions(session: AuthSession, id: string): Promise<RoutingDecision[]> {
    await this.visible(session, id);
    const rows = await this.prisma.routingDecision.findMany({
      where: { conversationId: id },
      orderBy: { createdAt: 'asc' },
    });
    const decisions = rows.map((d) => ({
      id: d.id,
      mode: d.mode,
      chosenUserId: d.chosenUserId,
      reason: d.reason,
      candidates: (d.candidates ?? []) as RoutingDecision['candidates'],
      createdAt: d.createdAt.toISOString(),
    }));
    const mentioned = (d: (typeof decisions)[number]) => [
      ...(d.chosenUserId ? [d.chosenUserId] : []),
      ...d.candidates.map((c) => c.userId),
      ...(d.reason.match(UUID) ?? []),
    ];
    const users = await this.prisma.user.findMany({
      where: { id: { in: [...new Set(decisions.flatMap(mentioned))] } },
      select: { id: true, displayName: true },
    });
    const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
    return decisions.map((d) => ({
      ...d,
      names: Object.fromEntries(
        mentioned(d).flatMap((userId) => {
          const name = nameOf.get(userId);
          return name === undefined ? [] : [[userId, name]];
        }),
      ),
    }));
  }

  /**
   * The colleagues this conversation can be transferred to: the other members of its queue who are
   * online, with their load. A list of people, so its reading is audited like the user list's.
   */
  async colleagues(session: AuthSession, id: string): Promise<TransferColleague[]> {
    const conversation = await this.visible(session, id);
    const rows = conversation.queueId
      ? await this.prisma.$queryRaw<ColleagueRow[]>(Prisma.sql`
          SELECT u.id AS user_id, u.display_name, s.presence::text AS presence, s.active_count, s.capacity
            FROM queue_members m
            JOIN users u ON u.id = m.user_id AND u.status = 'active'
            JOIN agent_states s ON s.user_id = m.user_id AND s.presence <> 'offline'
           WHERE m.queue_id = ${conversation.queueId}::uuid AND m.user_id <> ${session.userId}::uuid
             AND m.user_id IS DISTINCT FROM ${conversation.assigneeId}::uuid
           ORDER BY u.display_name`)
      : [];
    await this.audit.recordNow({
      action: 'conversation.colleagues_listed',
      target: { type: 'conversation', id },
      data: { queueId: conversation.queueId, count: rows.length },
    });
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      presence: r.presence,
      activeCount: r.active_count,
      capacity: r.capacity,
      canTake: r.active_count < r.capacity,
    }));
  }

  /**
   * Stores a staff message: an agent's reply or internal note, a supervisor's whisper or barge-in
   * (written under the supervisor's own name). Idempotent on `clientMessageId`: sending again returns
   * the stored message with its `seq`. One statement when it may be sent (the conversation is visible
   * to the sender and, for what the customer reads, assigned to them or they supervise); otherwise
   * {@link sendChecked} finds out why, with the same answers as always.
   */
  async send(
    session: AuthSession,
    id: string,
    input: SendMessageRequest,
    mode: 'reply' | 'whisper' | 'barge_in' = 'reply',
  ): Promise<MessageDto> {
    // A whisper is staff-only by definition; barging in writes to the customer as a supervisor.
    if (mode === 'whisper') input = { ...input, internal: true };
    if (mode === 'barge_in') input = { ...input, internal: false };
    const kind = mode === 'reply' ? (input.internal ? 'note' : 'reply') : mode;
    const message = {
      authorKind: 'agent' as const,
      kind,
      authorUserId: session.userId,
      // The author is the session's user: their name needs no read of `users`.
      authorName: session.displayName,
      body: input.body,
      internal: input.internal,
      clientMessageId: input.clientMessageId,
    } satisfies NewMessage;
    const audit: MessageAudit = {
      action:
        mode === 'whisper'
          ? 'conversation.whispered'
          : mode === 'barge_in'
            ? 'conversation.barged_in'
            : 'message.created',
      data: { kind, internal: input.internal },
      withAssignee: true,
    };
    const visible = visibleTo(session);
    const allowed = input.internal
      ? visible
      : Prisma.sql`${visible} AND c.status = 'assigned'
          AND (c.assignee_id = ${session.userId}::uuid
               OR ${session.permissions.has(Permission.ConversationSupervise)})`;
    const appended =
      (await this.messageLog.appendIfAllowed(id, message, audit, allowed, {
        firstResponse: !input.internal,
      })) ?? (await this.sendChecked(session, id, message, audit));
    if (appended.event) await this.events.publish(appended.event);
    return appended.message;
  }

  /** A staff message that may not be sent as it stands: the checks in order, each with its answer. */
  private async sendChecked(
    session: AuthSession,
    id: string,
    message: NewMessage & { clientMessageId: string },
    audit: MessageAudit,
  ): Promise<Appended> {
    await this.visible(session, id);
    return this.prisma.$transaction(async (tx) => {
      const c = await this.transitions.lock(tx, id);
      const existing = await tx.message.findUnique({
        where: {
          conversationId_authorKind_clientMessageId: {
            conversationId: id,
            authorKind: 'agent',
            clientMessageId: message.clientMessageId,
          },
        },
        include: withAuthor,
      });
      if (existing) return { message: toMessage(existing), event: null };
      if (!message.internal) {
        if (c.status !== 'assigned') {
          throw new DomainError(
            ConversationsErrorCode.NotAssigned,
            'Replies go to assigned conversations only.',
            409,
          );
        }
        this.assertAssignedTo(session, c, 'reply to the customer');
      }
      return this.messageLog.append(tx, id, message, audit, {
        firstResponse: !message.internal && c.firstResponseAt === null,
      });
    });
  }

  /** An agent takes a waiting conversation of a manual-mode queue they belong to. */
  async claim(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      const queue = c.queueId ? await tx.queue.findUnique({ where: { id: c.queueId } }) : null;
      if (queue?.routingMode !== 'manual') {
        throw new DomainError(
          ConversationsErrorCode.NotClaimable,
          'Only conversations of manual queues are claimed.',
          409,
        );
      }
      return this.transitions.assign(
        tx,
        c,
        session.userId,
        { mode: 'manual_claim', reason: 'claimed by the agent', candidates: [] },
        session.userId,
      );
    });
  }

  /** Offer mode: the agent takes the conversation offered to them (capacity was reserved). */
  async acceptOffer(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, (tx, c) => this.transitions.acceptOffer(tx, c, session.userId));
  }

  /** Offer mode: the agent passes; routing offers it to someone else. */
  async declineOffer(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      if (c.offeredToId !== session.userId) {
        throw new DomainError(
          ConversationsErrorCode.NoOffer,
          'There is no open offer of this conversation for you.',
          409,
        );
      }
      return this.transitions.withdrawOffer(tx, c, 'declined', session.userId);
    });
  }

  async unassign(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      this.assertAssignedTo(session, c, 'unassign');
      return this.transitions.unassign(tx, c, 'unassigned', session.userId);
    });
  }

  async transfer(session: AuthSession, id: string, to: TransferRequest): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      if (c.status === 'assigned') this.assertAssignedTo(session, c, 'transfer');
      if ('toQueueId' in to) {
        const queue = await tx.queue.findUnique({ where: { id: to.toQueueId } });
        if (!queue || queue.archivedAt)
          throw new DomainError(ConversationsErrorCode.UnknownQueue, 'No such queue.', 400);
        return this.transitions.transferToQueue(tx, c, to.toQueueId, session.userId);
      }
      const member = c.queueId
        ? await tx.queueMember.findUnique({
            where: { queueId_userId: { queueId: c.queueId, userId: to.toUserId } },
          })
        : null;
      if (!member) {
        throw new DomainError(TransferErrorCode.NotAMember, 'That agent is not a member of this queue.', 409);
      }
      if (c.assigneeId !== to.toUserId) {
        await this.assertCanTake(tx, to.toUserId, session.permissions.has(Permission.ConversationSupervise));
      }
      return this.transitions.transferToAgent(tx, c, to.toUserId, session.userId);
    });
  }

  /**
   * A colleague takes a transfer only while signed in (not offline, not disabled) and under capacity;
   * their state row is locked so the check holds until the transfer commits. Supervisors may still
   * give work to an agent who is offline (the wall says so before they confirm), never over capacity.
   */
  private async assertCanTake(tx: Tx, userId: string, mayAssignOffline: boolean): Promise<void> {
    const state = await this.capacity.lockLoad(tx, userId);
    if (!mayAssignOffline && (!state || state.presence === 'offline')) {
      throw new DomainError(
        TransferErrorCode.ColleagueOffline,
        'That colleague is offline; choose someone online or transfer to a queue.',
        409,
      );
    }
    if (state && state.activeCount >= state.capacity) {
      throw new DomainError(
        TransferErrorCode.ColleagueAtCapacity,
        `That colleague is at capacity (${state.activeCount}/${state.capacity}); choose someone else or transfer to a queue.`,
        409,
      );
    }
  }

  async resolve(session: AuthSession, id: string, resolution: Resolution): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      this.assertAssignedTo(session, c, 'resolve');
      return this.transitions.resolve(tx, c, resolution, session.userId);
    });
  }

  /** What the agent reads first: why the conversation was handed off, and what was said before. */
  async handoffBrief(session: AuthSession, id: string): Promise<HandoffBrief> {
    return this.briefs.of(await this.visible(session, id));
  }

  async reopen(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, (tx, c) => this.transitions.reopen(tx, c, 'reopened by staff', session.userId));
  }

  async handBack(session: AuthSession, id: string): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, async (tx, c) => {
      if (c.status === 'assigned') this.assertAssignedTo(session, c, 'hand back to the bot');
      return this.transitions.handBackToBot(tx, c, session.userId);
    });
  }

  async setPriority(session: AuthSession, id: string, priority: number): Promise<ConversationDto> {
    await this.visible(session, id);
    return this.run(id, (tx, c) => this.transitions.setPriority(tx, c, priority, session.userId));
  }

  /** A handoff outside a bot turn (tests, tools): the conversation enters its queue and routing starts. */
  async handoff(id: string, input: HandoffInput): Promise<ConversationDto> {
    return this.run(id, (tx, c) =>
      this.transitions.handoff(
        tx,
        c,
        {
          queueId: input.queueId,
          priority: input.priority ?? 0,
          reason: input.reason ?? null,
          summary: input.summary ?? null,
          intent: input.intent ?? null,
          context: input.context ?? { source: 'system' },
        },
        null,
      ),
    );
  }
}
