import {
  defaultQueueIdOf,
  type CaseMessageRequest,
  type CaseStatus,
  HandoffErrorCode,
  type HandoffRequest,
  type HandoffResponse,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import type { ApiKey, Channel, Conversation, Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AgentCapacity } from '../agents/agent-capacity.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationTransitions } from '../conversations/conversation-transitions.service.js';
import { CustomerConversationsService } from '../conversations/customer-conversations.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How an external bot sees a conversation's state. */
export function caseStatusOf(status: Conversation['status']): CaseStatus {
  switch (status) {
    case 'queued':
      return 'waiting';
    case 'assigned':
      return 'attending';
    case 'bot':
      return 'idle';
    default:
      return 'resolved';
  }
}

/** A case just created, as its transaction left it. */
interface Opened {
  conversationId: string;
  queueId: string;
  /** The requested agent, when the handoff assigned it directly. */
  assigneeId: string | null;
  events: DomainEvent[];
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such case.', 404);

/**
 * Handoffs from bots built elsewhere (Botonic and others): one call creates the contact, the
 * conversation with the bot's transcript, and the queued case; an idempotency key makes retries safe.
 */
@Injectable()
export class ExternalCasesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transitions: ConversationTransitions,
    private readonly customers: CustomerConversationsService,
    private readonly contacts: ContactsService,
    private readonly capacity: AgentCapacity,
    private readonly events: DomainEventsService,
  ) {}

  async create(key: ApiKey, idempotencyKey: string, input: HandoffRequest): Promise<HandoffResponse> {
    let created: Opened;
    try {
      created = await this.prisma.$transaction((tx) => this.open(tx, key, idempotencyKey, input));
    } catch (error) {
      // The key was used before (a retry), or is being used at once: the same case answers. Looked
      // up only then, so a new case costs no read for it; a retry costs a transaction rolled back.
      if ((error as { code?: string }).code === 'P2002') {
        const existing = await this.prisma.externalCase.findUnique({
          where: { apiKeyId_idempotencyKey: { apiKeyId: key.id, idempotencyKey } },
        });
        if (existing) return this.state(existing.conversationId, true);
      }
      throw error;
    }
    // Not awaited: routing, fan-out, timers and webhooks react after this answer (each has its
    // safety net: the routing sweeper, clients back-filling, retried jobs), so the bot waits only
    // for the commit.
    void this.events.publish(...created.events);
    // As committed: routing runs after this answer, and the bot hears of it through its webhooks.
    return {
      caseId: created.conversationId,
      status: caseStatusOf(created.assigneeId ? 'assigned' : 'queued'),
      queueId: created.queueId,
      assigneeId: created.assigneeId,
      replayed: false,
    };
  }

  private async open(tx: Tx, key: ApiKey, idempotencyKey: string, input: HandoffRequest): Promise<Opened> {
    const channel = await this.channel(tx, key, input.channel);
    const queue = await this.queue(tx, channel, input.queue);
    const agentId = await this.requestedAgent(tx, input, queue.id);
    // Contact ids are the caller's: another key's "42" is another customer.
    const identity = input.contact ?? { id: `case:${idempotencyKey}` };
    const contactId = await this.contacts.findOrCreate(tx, {
      channelId: channel.id,
      externalId: `${key.id}:${identity.id}`,
      identity: { name: identity.name, email: identity.email, phone: identity.phone },
      audit: { source: 'api' },
    });
    // The bot's transcript becomes the conversation's first messages, so the agent reads it in place.
    const transcript = input.transcript;
    const opened = await this.transitions.openHandedOff(tx, {
      channelId: channel.id,
      contactId,
      queue,
      handoff: {
        priority: input.priority,
        reason: input.reason ?? 'bot_handoff',
        summary: input.summary ?? input.case_info ?? null,
        intent: input.intent ?? null,
        context: {
          source: 'api',
          apiKeyId: key.id,
          note: input.note ?? null,
          caseInfo: input.case_info ?? null,
          language: input.case_extra_data?.language ?? null,
          url: input.case_extra_data?.url ?? null,
          location: input.case_extra_data?.location ?? null,
          shadowing: input.shadowing,
          autoAssignOnWaiting: input.auto_assign_on_waiting,
          botEvent: input.bot_event ?? null,
        },
      },
      transcript: transcript.map((line) => ({
        authorKind: line.author,
        body: line.text,
        ...(line.at && { createdAt: new Date(line.at) }),
      })),
      transcriptAudit: {
        author: 'external_bot',
        transcriptLines: transcript.length,
        startedConversation: true,
      },
    });
    // Fails on the key's unique index when the key was used before: the whole case rolls back.
    await tx.externalCase.createMany({
      data: [
        {
          conversationId: opened.id,
          apiKeyId: key.id,
          idempotencyKey,
          onFinish: (input.on_finish ?? undefined) as Prisma.InputJsonValue | undefined,
          subscribedEvents: input.subscribe_helpdesk_events,
          // The request as received, minus what identifies the customer (that lives encrypted on the contact).
          request: {
            ...input,
            contact: input.contact ? { id: input.contact.id } : undefined,
          } as Prisma.InputJsonValue,
        },
      ],
    });
    const assigned = agentId ? await this.assignRequested(tx, opened.id, agentId, input) : [];
    return {
      conversationId: opened.id,
      queueId: queue.id,
      assigneeId: assigned.length > 0 ? agentId : null,
      events: [...opened.events, ...assigned],
    };
  }

  /** The requests external bots opened these conversations with, by conversation id. */
  async requestsOf(conversationIds: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const cases = await this.prisma.externalCase.findMany({
      where: { conversationId: { in: [...conversationIds] } },
      select: { conversationId: true, request: true },
    });
    return new Map(cases.map((c) => [c.conversationId, c.request as Record<string, unknown>]));
  }

  /**
   * Empties the stored requests of these conversations' cases (an erased customer's: they hold the
   * bot's transcript, notes and extra data). The case itself stays, so webhooks and idempotency work.
   */
  async redactRequests(tx: Tx, conversationIds: readonly string[]): Promise<number> {
    if (conversationIds.length === 0) return 0;
    return tx.$executeRaw`
      UPDATE external_cases SET request = '{}'::jsonb
       WHERE conversation_id = ANY(${conversationIds}::uuid[]) AND request <> '{}'::jsonb`;
  }

  /** The key's channel; `channel` in the request may name it, never another one. */
  private async channel(tx: Tx, key: ApiKey, named: string | undefined): Promise<Channel> {
    const channel = key.channelId ? await tx.channel.findUnique({ where: { id: key.channelId } }) : null;
    if (named && channel && named !== channel.id && named !== channel.name) {
      throw new DomainError(
        HandoffErrorCode.ChannelNotAllowed,
        'This API key creates cases on its own channel only.',
        403,
      );
    }
    if (!channel || channel.kind !== 'api' || !channel.enabled) {
      throw new ValidationError([
        {
          path: 'channel',
          message: named ? 'no enabled API channel by that name or id' : 'this key has no channel',
        },
      ]);
    }
    return channel;
  }

  private async queue(tx: Tx, channel: Channel, named: string | undefined) {
    const fallback = defaultQueueIdOf(channel.config);
    const where = named
      ? UUID.test(named)
        ? { id: named }
        : { name: { equals: named, mode: 'insensitive' as const } }
      : fallback
        ? { id: fallback }
        : null;
    const queue = where ? await tx.queue.findFirst({ where: { ...where, archivedAt: null } }) : null;
    if (!queue) {
      throw new ValidationError([
        {
          path: 'queue',
          message: named ? 'no queue by that name or id' : 'required (the channel has no default queue)',
        },
      ]);
    }
    return queue;
  }

  /** `agent_email` / `agent_id`: a member of the queue, or the request is refused (never silently ignored). */
  private async requestedAgent(tx: Tx, input: HandoffRequest, queueId: string): Promise<string | null> {
    if (!input.agent_email && !input.agent_id) return null;
    const user = await tx.user.findFirst({
      where: input.agent_id ? { id: input.agent_id } : { email: input.agent_email!.toLowerCase() },
      select: { id: true, status: true, queueMemberships: { where: { queueId }, select: { queueId: true } } },
    });
    if (!user || user.status !== 'active' || user.queueMemberships.length === 0) {
      throw new ValidationError([
        { path: input.agent_id ? 'agent_id' : 'agent_email', message: 'no active agent of that queue' },
      ]);
    }
    return user.id;
  }

  /**
   * Direct assignment: to the requested agent when available with room; when not available, only if
   * `force_assign_if_not_available` (capacity is never exceeded). Otherwise the case waits for routing.
   */
  private async assignRequested(
    tx: Tx,
    conversationId: string,
    agentId: string,
    input: HandoffRequest,
  ): Promise<DomainEvent[]> {
    // Locked like the routing engine does, so a handoff and a routing pass never both take the last seat.
    const state = await this.capacity.lock(tx, agentId);
    const available = state?.presence === 'available';
    const hasRoom = !state || state.activeCount < state.capacity;
    if (!hasRoom || (!available && !input.force_assign_if_not_available)) return [];
    const queued = await this.transitions.lock(tx, conversationId);
    return this.transitions.assign(
      tx,
      queued,
      agentId,
      {
        mode: 'direct',
        reason: available ? 'requested by the bot' : 'requested by the bot (forced while not available)',
        candidates: [{ userId: agentId, presence: state?.presence ?? 'offline' }],
      },
      null,
    );
  }

  async state(conversationId: string, replayed: boolean): Promise<HandoffResponse> {
    const c = await this.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    return {
      caseId: c.id,
      status: caseStatusOf(c.status),
      queueId: c.queueId!,
      assigneeId: c.assigneeId,
      replayed,
    };
  }

  /** A case of this key, or 404 (another key's cases do not exist for it). */
  async ownCase(key: ApiKey, caseId: string) {
    const found = await this.prisma.externalCase.findUnique({
      where: { conversationId: caseId },
      include: { conversation: true },
    });
    if (!found || found.apiKeyId !== key.id) throw notFound();
    return found;
  }

  /** The customer wrote again (the bot relays it): stored like any customer message. */
  async addMessage(key: ApiKey, caseId: string, input: CaseMessageRequest) {
    const found = await this.ownCase(key, caseId);
    return this.customers.send(
      { contactId: found.conversation.contactId, channelId: found.conversation.channelId },
      { conversationId: caseId, body: input.text, clientMessageId: input.messageId },
    );
  }
}
