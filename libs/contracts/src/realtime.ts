import { z } from 'zod';
import { safeText } from './text.js';
import {
  ZAgentState,
  ZConversation,
  ZConversationStatus,
  ZDeliveryStatus,
  ZHandoffBrief,
  ZMessage,
  ZPresence,
  ZSendMessageRequest,
} from './conversations.js';

/** Client → server events on the `/agent` namespace, each acknowledged with `{ ok: true, ... }` or `{ error }`. */
export const AgentClientEvent = {
  SendMessage: 'message.send',
  JoinConversation: 'conversation.join',
  FetchMessages: 'messages.fetch',
  SetPresence: 'presence.set',
  SetTyping: 'typing.set',
  AcceptOffer: 'offer.accept',
  DeclineOffer: 'offer.decline',
} as const;

/** Server → client events, dotted past tense. Every message event carries its conversation `seq`. */
export const AgentServerEvent = {
  MessageCreated: 'message.created',
  ConversationAssigned: 'conversation.assigned',
  /** Offer mode: accept (or decline) before `expiresAt`. */
  ConversationOffered: 'conversation.offered',
  ConversationUpdated: 'conversation.updated',
  AgentStatusChanged: 'agent.status_changed',
  /**
   * To the agent themself: their `AgentState` after their presence changed anywhere (another tab, idle,
   * a disconnect). Load changes come with the conversation events; the inbox re-reads its state then.
   */
  AgentStateChanged: 'agent.state_changed',
  /** Sent to supervisors, at most twice a second, whenever queues or agents change. */
  SupervisorOverviewChanged: 'supervisor.overview_changed',
  TypingChanged: 'typing.changed',
  SlaBreached: 'conversation.sla_breached',
  /** A reply on a provider channel was sent, delivered, read or failed (staff only). */
  MessageDeliveryChanged: 'message.delivery_changed',
  /** `{ reason }` (`ZSessionEnded`): the session ended on purpose; the server closes the socket next. */
  SessionEnded: 'session.ended',
  /**
   * `{ conversationId }` (`ZConversationWithdrawn`): this user can no longer see the conversation (it
   * moved to a queue they are not in, or to someone else); the inbox drops it. Nothing more about it follows.
   */
  ConversationWithdrawn: 'conversation.withdrawn',
  /** `{}`: this user's queues, supervised queues or permissions changed; re-read what the screen shows. */
  AccessChanged: 'access.changed',
  /**
   * `{}` (`ZRealtimeResumed`): the server's link to the other instances (Redis) is back after an
   * interruption, so events meant for this socket meanwhile may be lost: back-fill what the screen shows.
   */
  RealtimeResumed: 'realtime.resumed',
} as const;

const conversationId = z.uuid();

export const ZConversationWithdrawn = z.object({ conversationId });
export type ConversationWithdrawn = z.infer<typeof ZConversationWithdrawn>;

/** `message.delivery_changed` on `/agent`: the message's new `deliveryStatus`, located by `seq`. */
export const ZMessageDeliveryChanged = z.object({
  conversationId,
  messageId: z.uuid(),
  seq: z.number().int(),
  deliveryStatus: ZDeliveryStatus,
});
export type MessageDeliveryChanged = z.infer<typeof ZMessageDeliveryChanged>;

export const ZSocketSendMessage = ZSendMessageRequest.extend({ conversationId });
export type SocketSendMessage = z.infer<typeof ZSocketSendMessage>;

export const ZSocketConversationRef = z.strictObject({ conversationId });
export type SocketConversationRef = z.infer<typeof ZSocketConversationRef>;

export const ZSocketFetchMessages = z.strictObject({
  conversationId,
  afterSeq: z.number().int().min(0),
  limit: z.number().int().min(1).max(500).prefault(200),
});
export type SocketFetchMessages = z.infer<typeof ZSocketFetchMessages>;

export const ZSocketSetPresence = z.strictObject({ presence: ZPresence });
export type SocketSetPresence = z.infer<typeof ZSocketSetPresence>;

/** What an acknowledgement carries when the event was refused or failed (`retryAfterSeconds` when rate-limited). */
export const ZSocketError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryAfterSeconds: z.number().int().min(1).optional(),
  }),
});
export type SocketError = z.infer<typeof ZSocketError>;

/*
 * What `/agent` acknowledgements carry when the event succeeded (a refusal is `ZSocketError`), and what
 * the server pushes on `/agent`: the SPA parses each with these rather than trusting the wire.
 */

/** `message.send`: the stored message (the same one again for a repeated `clientMessageId`). */
export const ZSendMessageAck = z.object({ ok: z.literal(true), message: ZMessage });
export type SendMessageAck = z.infer<typeof ZSendMessageAck>;

/** `conversation.join`, `offer.accept`, `offer.decline`: the conversation as it is now. */
export const ZConversationAck = z.object({ ok: z.literal(true), conversation: ZConversation });
export type ConversationAck = z.infer<typeof ZConversationAck>;

/** `messages.fetch`: the messages after `afterSeq`, in order. */
export const ZFetchMessagesAck = z.object({ ok: z.literal(true), messages: z.array(ZMessage) });
export type FetchMessagesAck = z.infer<typeof ZFetchMessagesAck>;

/** `presence.set`: the agent's state after the change. */
export const ZSetPresenceAck = z.object({ ok: z.literal(true), state: ZAgentState });
export type SetPresenceAck = z.infer<typeof ZSetPresenceAck>;

/** Events that answer nothing but success (`typing.set`). */
export const ZOkAck = z.object({ ok: z.literal(true) });
export type OkAck = z.infer<typeof ZOkAck>;

/** `message.created` on `/agent`. */
export const ZMessageCreated = z.object({ message: ZMessage });
export type MessageCreated = z.infer<typeof ZMessageCreated>;

/** `conversation.updated` on `/agent`. */
export const ZConversationUpdated = z.object({ conversation: ZConversation });
export type ConversationUpdated = z.infer<typeof ZConversationUpdated>;

/** `conversation.assigned`: to the new assignee, with why it came and what was said before. */
export const ZConversationAssigned = z.object({ conversation: ZConversation, handoff: ZHandoffBrief });
export type ConversationAssigned = z.infer<typeof ZConversationAssigned>;

/** `conversation.offered`: to the agent offered it, who accepts or declines before `expiresAt`. */
export const ZConversationOffered = ZConversationAssigned.extend({ expiresAt: z.iso.datetime() });
export type ConversationOffered = z.infer<typeof ZConversationOffered>;

/** `agent.status_changed`: to the supervisors of the agent's queues. */
export const ZAgentStatusChanged = z.object({ userId: z.uuid(), presence: ZPresence });
export type AgentStatusChanged = z.infer<typeof ZAgentStatusChanged>;

/** `access.changed` carries nothing. */
export const ZAccessChanged = z.object({});
export type AccessChanged = z.infer<typeof ZAccessChanged>;

/** `realtime.resumed` (both namespaces) carries nothing. */
export const ZRealtimeResumed = z.object({});
export type RealtimeResumed = z.infer<typeof ZRealtimeResumed>;

/** Client → server events on the `/customer` namespace (the widget). */
export const CustomerClientEvent = {
  SendMessage: 'message.send',
  FetchMessages: 'messages.fetch',
  SetTyping: 'typing.set',
  /** The visitor's open conversation (or null), so the widget can restore its state after a reconnect. */
  CurrentConversation: 'conversation.current',
} as const;

/** Server → client events on `/customer`. Internal notes never reach a customer. */
export const CustomerServerEvent = {
  MessageCreated: 'message.created',
  ConversationUpdated: 'conversation.updated',
  QueuePositionChanged: 'queue.position_changed',
  TypingChanged: 'typing.changed',
  /** As on `/agent`: live delivery is back after an interruption; back-fill the conversation. */
  RealtimeResumed: 'realtime.resumed',
} as const;

export const ZCustomerSendMessage = z.strictObject({
  /** Omitted for the first message: the customer's open conversation is used, or a new one started. */
  conversationId: z.uuid().optional(),
  body: safeText().trim().min(1).max(5_000),
  clientMessageId: safeText().trim().min(8).max(64),
});
export type CustomerSendMessage = z.infer<typeof ZCustomerSendMessage>;

export const ZCustomerMessage = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  authorKind: z.enum(['customer', 'bot', 'agent', 'system']),
  /** Customers never receive notes or whispers. */
  kind: z.enum(['customer', 'bot', 'system', 'reply', 'barge_in']),
  /** The staff author's display name (the supervisor's for a barge-in); null for customer, bot and system. */
  authorName: z.string().nullable(),
  body: z.string(),
  clientMessageId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type CustomerMessage = z.infer<typeof ZCustomerMessage>;

export const ZQueuePositionChanged = z.object({
  conversationId: z.uuid(),
  position: z.number().int().min(1),
  estimatedWaitSeconds: z.number().int().nullable(),
});
export type QueuePositionChanged = z.infer<typeof ZQueuePositionChanged>;

/** Typing indicators: not stored and not audited; they only ever reach the other side of the conversation. */
export const ZSocketTyping = z.strictObject({ conversationId, typing: z.boolean() });
export type SocketTyping = z.infer<typeof ZSocketTyping>;

export const ZTypingChanged = z.object({
  conversationId: z.uuid(),
  author: z.enum(['agent', 'customer']),
  typing: z.boolean(),
});
export type TypingChanged = z.infer<typeof ZTypingChanged>;

/** A customer's conversation as the widget shows it: who is helping, and the last `seq` to catch up to. */
export const ZCustomerConversation = z.object({
  id: z.uuid(),
  status: ZConversationStatus,
  /** The assigned agent's display name; null while no agent holds the conversation. */
  agentName: z.string().nullable(),
  lastSeq: z.number().int().min(0),
});
export type CustomerConversation = z.infer<typeof ZCustomerConversation>;

/** `conversation.current` takes no arguments. */
export const ZCustomerCurrentConversationRequest = z.strictObject({});
export type CustomerCurrentConversationRequest = z.infer<typeof ZCustomerCurrentConversationRequest>;

/** The `conversation.current` acknowledgement: the open conversation, with its place in the queue while queued. */
export const ZCustomerConversationState = ZCustomerConversation.extend({
  position: z.number().int().min(1).nullable(),
  estimatedWaitSeconds: z.number().int().nullable(),
});
export type CustomerConversationState = z.infer<typeof ZCustomerConversationState>;

export const ZCustomerCurrentConversationAck = z.object({
  ok: z.literal(true),
  conversation: ZCustomerConversationState.nullable(),
});
export type CustomerCurrentConversationAck = z.infer<typeof ZCustomerCurrentConversationAck>;

/** `conversation.updated` on `/customer`: the status, and who is helping. */
export const ZCustomerConversationUpdated = z.object({
  conversationId: z.uuid(),
  status: ZConversationStatus,
  agentName: z.string().nullable(),
});
export type CustomerConversationUpdated = z.infer<typeof ZCustomerConversationUpdated>;
