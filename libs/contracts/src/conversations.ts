import { z } from 'zod';
import { safeText } from './text.js';
import { ZChannelKind } from './channels.js';

export const ZRoutingMode = z.enum(['least_busy', 'round_robin', 'manual']);
export type RoutingMode = z.infer<typeof ZRoutingMode>;

const skill = safeText()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, dash or underscore');

export const ZQueueRequest = z.strictObject({
  name: safeText().trim().min(1).max(80),
  description: safeText().trim().max(500).prefault(''),
  /** Higher is served first. */
  priority: z.number().int().min(-100).max(100).prefault(0),
  routingMode: ZRoutingMode.prefault('least_busy'),
  /** When set, an agent must accept an offer within this many seconds or it moves on. */
  offerTimeoutSeconds: z.number().int().min(5).max(600).nullable().prefault(null),
  requiredSkills: z.array(skill).max(20).prefault([]),
  slaFirstResponseSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400)
    .nullable()
    .prefault(null),
  slaResolutionSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .nullable()
    .prefault(null),
});
export type QueueRequest = z.infer<typeof ZQueueRequest>;

export const ZQueue = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  priority: z.number().int(),
  routingMode: ZRoutingMode,
  offerTimeoutSeconds: z.number().int().nullable(),
  requiredSkills: z.array(z.string()),
  slaFirstResponseSeconds: z.number().int().nullable(),
  slaResolutionSeconds: z.number().int().nullable(),
  archived: z.boolean(),
  members: z.array(z.object({ userId: z.uuid(), skills: z.array(z.string()), isSupervisor: z.boolean() })),
});
export type Queue = z.infer<typeof ZQueue>;

export const ZQueueMembersRequest = z.strictObject({
  members: z
    .array(
      z.strictObject({
        userId: z.uuid(),
        skills: z.array(skill).max(20).prefault([]),
        isSupervisor: z.boolean().prefault(false),
      }),
    )
    .max(500),
});
export type QueueMembersRequest = z.infer<typeof ZQueueMembersRequest>;

export const ZPresence = z.enum(['available', 'away', 'offline']);
export type Presence = z.infer<typeof ZPresence>;

export const ZPresenceRequest = z.strictObject({ presence: ZPresence });

export const ZCapacityRequest = z.strictObject({ capacity: z.number().int().min(1).max(100) });
export type CapacityRequest = z.infer<typeof ZCapacityRequest>;
export type PresenceRequest = z.infer<typeof ZPresenceRequest>;

export const ZAgentState = z.object({
  userId: z.uuid(),
  presence: ZPresence,
  capacity: z.number().int(),
  activeCount: z.number().int(),
});
export type AgentState = z.infer<typeof ZAgentState>;

export const ZConversationStatus = z.enum(['bot', 'queued', 'assigned', 'resolved', 'closed']);
export type ConversationStatus = z.infer<typeof ZConversationStatus>;

export const ZConversation = z.object({
  id: z.uuid(),
  status: ZConversationStatus,
  queueId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  priority: z.number().int(),
  handoff: z.object({
    reason: z.string().nullable(),
    summary: z.string().nullable(),
    intent: z.string().nullable(),
    at: z.iso.datetime().nullable(),
    /** Where the handoff came from (`bot`, `api`, `agent`) and what travelled with it: note, case info, language, url… */
    context: z.record(z.string(), z.unknown()).nullable(),
  }),
  resolution: z.string().nullable(),
  waitingSince: z.iso.datetime().nullable(),
  firstResponseDueAt: z.iso.datetime().nullable(),
  resolutionDueAt: z.iso.datetime().nullable(),
  lastSeq: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof ZConversation>;

/**
 * A row of the inbox list: the conversation, where the customer wrote from and their last
 * customer-visible message. No name: contact details are decrypted and audited one conversation at a
 * time (`GET /conversations/:id/customer`), never in bulk for a list.
 */
export const ZConversationListItem = ZConversation.extend({
  channelName: z.string().nullable(),
  lastMessage: z
    .object({
      authorKind: z.enum(['customer', 'bot', 'agent', 'system']),
      /** The first 140 characters. */
      body: z.string(),
      createdAt: z.iso.datetime(),
    })
    .nullable(),
});
export type ConversationListItem = z.infer<typeof ZConversationListItem>;

/**
 * Where the previous page of an inbox list ended: its last row's `priority`, `waitingSince` (epoch ms,
 * empty when it has none) and `id`, as `nextCursor` gave it. The next page starts right after that
 * place in the list's order, so rows arriving meanwhile neither repeat nor push others off a page.
 */
const conversationCursor = safeText()
  .regex(
    /^-?\d{1,3}_\d{0,15}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be a list cursor',
  )
  .transform((value) => {
    const [priority, waitingSince, id] = value.split('_') as [string, string, string];
    return {
      priority: Number(priority),
      waitingSince: waitingSince === '' ? null : new Date(Number(waitingSince)),
      id,
    };
  });
export type ConversationCursor = z.output<typeof conversationCursor>;

export const encodeConversationCursor = (c: {
  priority: number;
  waitingSince: string | null;
  id: string;
}): string => `${c.priority}_${c.waitingSince === null ? '' : Date.parse(c.waitingSince)}_${c.id}`;

/**
 * One page of an inbox list, highest priority first, then longest waiting. `mine`: open and assigned
 * to me; `queued`: waiting in my queues; `open` (the default): both, with my queues' conversations
 * that colleagues hold (the supervisor wall).
 */
export const ZConversationListQuery = z.strictObject({
  view: z.enum(['open', 'mine', 'queued']).prefault('open'),
  cursor: conversationCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).prefault(50),
});
export type ConversationListQuery = z.output<typeof ZConversationListQuery>;
export type ConversationListView = ConversationListQuery['view'];

export const ZConversationPage = z.object({
  items: z.array(ZConversationListItem),
  /** Pass it as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof ZConversationPage>;

export const ZAuthorKind = z.enum(['customer', 'bot', 'agent', 'system']);

/**
 * What a message is. Staff write `reply` (to the customer), `note` (staff only), and supervisors
 * `whisper` (to the agent, staff only) and `barge_in` (to the customer, under their own name).
 */
export const ZMessageKind = z.enum(['customer', 'bot', 'system', 'reply', 'note', 'whisper', 'barge_in']);
export type MessageKind = z.infer<typeof ZMessageKind>;

/** Where an outbound message on a provider channel (WhatsApp) stands; it only ever moves forward. */
export const ZDeliveryStatus = z.enum(['pending', 'sent', 'delivered', 'read', 'failed']);
export type DeliveryStatus = z.infer<typeof ZDeliveryStatus>;

export const ZMessage = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  authorKind: ZAuthorKind,
  kind: ZMessageKind,
  /** Who wrote it: the supervisor for whispers and barge-ins, never inferred from the assignee. */
  authorUserId: z.uuid().nullable(),
  /** The author's display name for staff messages; null for customer, bot and system lines. */
  authorName: z.string().nullable(),
  body: z.string(),
  /** True exactly for notes and whispers. */
  internal: z.boolean(),
  clientMessageId: z.string().nullable(),
  /** Null where nothing is delivered through a provider (web chat, internal notes, customer messages). */
  deliveryStatus: ZDeliveryStatus.nullable(),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof ZMessage>;

export const ZSendMessageRequest = z.strictObject({
  body: safeText().trim().min(1).max(10_000),
  /** Client-chosen id: sending twice with the same id stores one message. */
  clientMessageId: safeText().trim().min(8).max(64),
  /** An internal note, visible to staff only. */
  internal: z.boolean().prefault(false),
});
export type SendMessageRequest = z.infer<typeof ZSendMessageRequest>;

export const ZMessagesQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).prefault(0),
  limit: z.coerce.number().int().min(1).max(500).prefault(200),
});
export type MessagesQuery = z.infer<typeof ZMessagesQuery>;

export const ZTransferRequest = z.union([
  z.strictObject({ toQueueId: z.uuid() }),
  z.strictObject({ toUserId: z.uuid() }),
]);
export type TransferRequest = z.infer<typeof ZTransferRequest>;

/** How a case ended; external bots receive it with their on-finish payload. */
export const ZResolution = z.enum(['result_ok', 'result_nok', 'result_not_solved', 'result_banned']);
export type Resolution = z.infer<typeof ZResolution>;

export const ZResolveRequest = z.strictObject({ resolution: ZResolution.prefault('result_ok') });
export type ResolveRequest = z.infer<typeof ZResolveRequest>;

/** One line of what the customer and the bot said before the handoff. */
export const ZTranscriptLine = z.object({
  author: ZAuthorKind,
  text: z.string(),
  at: z.iso.datetime(),
});
export type TranscriptLine = z.infer<typeof ZTranscriptLine>;

/** What an agent sees first when a conversation reaches them: why it came, and what was said. */
export const ZHandoffBrief = z.object({
  reason: z.string().nullable(),
  summary: z.string().nullable(),
  intent: z.string().nullable(),
  priority: z.number().int(),
  at: z.iso.datetime().nullable(),
  context: z.record(z.string(), z.unknown()).nullable(),
  transcript: z.array(ZTranscriptLine),
});
export type HandoffBrief = z.infer<typeof ZHandoffBrief>;

export const ZPriorityRequest = z.strictObject({ priority: z.number().int().min(-100).max(100) });
export type PriorityRequest = z.infer<typeof ZPriorityRequest>;

/** What a supervisor watches: per queue and per agent, as of `at`. */
export const ZSupervisorOverview = z.object({
  at: z.iso.datetime(),
  queues: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      waiting: z.number().int(),
      longestWaitSeconds: z.number().int().nullable(),
      averageWaitSeconds: z.number().int().nullable(),
      /** Waiting or assigned without a first reply, with less than a fifth of the first-response target left. */
      slaAtRisk: z.number().int(),
      slaBreached: z.number().int(),
    }),
  ),
  agents: z.array(
    z.object({
      userId: z.uuid(),
      displayName: z.string(),
      presence: ZPresence,
      activeCount: z.number().int(),
      capacity: z.number().int(),
      conversationIds: z.array(z.uuid()),
    }),
  ),
});
export type SupervisorOverview = z.infer<typeof ZSupervisorOverview>;

/** The supervisor wall's first load: every queue in scope, and its agents a page at a time (by name). */
export const ZSupervisorOverviewQuery = z.strictObject({
  /** The last agent of the previous page (`agentsNextCursor`). */
  agentsCursor: z.uuid().optional(),
  agentsLimit: z.coerce.number().int().min(1).max(500).prefault(100),
});
export type SupervisorOverviewQuery = z.output<typeof ZSupervisorOverviewQuery>;

export const ZSupervisorOverviewPage = ZSupervisorOverview.extend({
  /** Pass it as `agentsCursor` for the next agents; null when this page has the last of them. */
  agentsNextCursor: z.uuid().nullable(),
});
export type SupervisorOverviewPage = z.infer<typeof ZSupervisorOverviewPage>;

export const ZSupervisorHistoryQuery = z.strictObject({
  /** How far back the chart reaches. */
  hours: z.coerce.number().int().min(1).max(48).prefault(8),
  /** One queue only; omitted means every queue. */
  queueId: z.uuid().optional(),
});
export type SupervisorHistoryQuery = z.infer<typeof ZSupervisorHistoryQuery>;

/**
 * Waiting and handled conversations over time, for a chart. Buckets are 15 minutes long when
 * `hours` <= 4 and an hour otherwise, aligned to the clock (UTC); the last one is the current,
 * partial bucket. `handled` counts conversations resolved within the bucket; `waiting` those waiting
 * in a queue at the bucket's end (at `to` for the last one).
 */
export const ZSupervisorHistory = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  bucketMinutes: z.number().int(),
  buckets: z.array(
    z.object({
      start: z.iso.datetime(),
      waiting: z.number().int(),
      handled: z.number().int(),
    }),
  ),
});
export type SupervisorHistory = z.infer<typeof ZSupervisorHistory>;

/** Who the customer of a conversation is, for the agent's side panel. Reading it is audited. */
export const ZConversationCustomer = z.object({
  contactId: z.uuid().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  channel: z.object({ id: z.uuid(), name: z.string(), kind: ZChannelKind }).nullable(),
  /** The contact's other conversations, whatever their status. */
  previousConversations: z.number().int().min(0),
  /** When the contact first reached us. */
  firstSeenAt: z.iso.datetime().nullable(),
  /** The conversation's handoff context (as in ZConversation's `handoff.context`). */
  context: z.record(z.string(), z.unknown()).nullable(),
});
export type ConversationCustomer = z.infer<typeof ZConversationCustomer>;

export const ZTimelineEvent = z.object({
  id: z.uuid(),
  type: z.string(),
  actorUserId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});
export type TimelineEvent = z.infer<typeof ZTimelineEvent>;

/** Why a conversation went where it did: every candidate considered and the verdict on each. */
export const ZRoutingDecision = z.object({
  id: z.uuid(),
  mode: z.string(),
  chosenUserId: z.uuid().nullable(),
  reason: z.string(),
  candidates: z.array(
    z.object({
      userId: z.string(),
      eligible: z.boolean(),
      reason: z.string(),
      activeCount: z.number().int(),
      capacity: z.number().int(),
    }),
  ),
  /** Display names of everyone the decision mentions (chosen, candidates, people named in `reason`). */
  names: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime(),
});
export type RoutingDecision = z.infer<typeof ZRoutingDecision>;
