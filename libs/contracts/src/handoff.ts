import { z } from 'zod';
import { safeJson, safeText } from './text.js';
import { ZResolution } from './conversations.js';

/** What an API key may do; each route names the scope it needs. */
export const ZApiKeyScope = z.enum([
  /** Create cases through POST /api/v1/handoff and add customer messages to them. */
  'handoff:write',
]);
export type ApiKeyScope = z.infer<typeof ZApiKeyScope>;

export const ZApiKeyRequest = z.strictObject({
  name: safeText().trim().min(1).max(100),
  scopes: z.array(ZApiKeyScope).min(1).prefault(['handoff:write']),
  /** The API channel its cases enter (created on first use when omitted). */
  channelId: z.uuid().nullable().prefault(null),
  /** Where the bot receives case events (HTTPS in production). */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .nullable()
    .prefault(null),
  expiresAt: z.iso.datetime({ offset: true }).nullable().prefault(null),
});
export type ApiKeyRequest = z.infer<typeof ZApiKeyRequest>;

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The key's public part, enough to recognise it in lists and logs. */
  prefix: z.string(),
  scopes: z.array(ZApiKeyScope),
  channelId: z.uuid().nullable(),
  webhookUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof ZApiKey>;

/** Shown once, at creation: Baton keeps only a hash of the key. */
export const ZCreatedApiKey = ZApiKey.extend({
  key: z.string(),
  /** Verifies the `X-Baton-Signature` of webhook calls; null when no webhook is set. */
  webhookSecret: z.string().nullable(),
});
export type CreatedApiKey = z.infer<typeof ZCreatedApiKey>;

/** Case events an external bot can subscribe to. */
export const ZHelpdeskEvent = z.enum(['status_changed', 'queue_position_changed', 'agent_message_created']);
export type HelpdeskEvent = z.infer<typeof ZHelpdeskEvent>;

export const ZCaseStatus = z.enum(['waiting', 'attending', 'idle', 'resolved']);
export type CaseStatus = z.infer<typeof ZCaseStatus>;

const transcriptLine = z.strictObject({
  author: z.enum(['customer', 'bot']),
  text: safeText().trim().min(1).max(5_000),
  at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * A handoff from a bot built elsewhere. Botonic bots send what follows `create_case:` in their
 * `_botonic_action` (snake_case, as they produce it); Baton's own fields complete it.
 */
export const ZHandoffRequest = z.object({
  // Botonic's fields
  queue: safeText().trim().min(1).max(200).optional(),
  agent_email: z.email().optional(),
  agent_id: z.uuid().optional(),
  force_assign_if_not_available: z.boolean().prefault(true),
  auto_assign_on_waiting: z.boolean().prefault(false),
  note: safeText().max(5_000).optional(),
  case_info: safeText().max(5_000).optional(),
  case_extra_data: z
    .object({
      language: safeText().max(20).optional(),
      url: safeText().max(2_000).optional(),
      location: safeText().max(200).optional(),
    })
    .catchall(safeJson())
    .optional(),
  on_finish: safeJson().optional(),
  shadowing: z.boolean().prefault(false),
  bot_event: safeJson().optional(),
  subscribe_helpdesk_events: z.array(ZHelpdeskEvent).prefault([]),
  // Baton's own
  contact: z
    .strictObject({
      /** The caller's id for this customer: the same id continues the same contact. */
      id: safeText().trim().min(1).max(200),
      name: safeText().trim().max(200).optional(),
      email: z.email().optional(),
      phone: safeText().trim().max(40).optional(),
    })
    .optional(),
  /** Name or id of an API channel; the key's channel by default. */
  channel: safeText().trim().min(1).max(200).optional(),
  transcript: z.array(transcriptLine).max(200).prefault([]),
  reason: safeText().trim().max(200).optional(),
  summary: safeText().trim().max(5_000).optional(),
  intent: safeText().trim().max(200).optional(),
  priority: z.number().int().min(-100).max(100).prefault(0),
});
export type HandoffRequest = z.infer<typeof ZHandoffRequest>;

export const ZHandoffResponse = z.object({
  caseId: z.uuid(),
  status: ZCaseStatus,
  queueId: z.uuid(),
  assigneeId: z.uuid().nullable(),
  /** True when this idempotency key had already created the case. */
  replayed: z.boolean(),
});
export type HandoffResponse = z.infer<typeof ZHandoffResponse>;

export const ZCaseMessageRequest = z.strictObject({
  text: safeText().trim().min(1).max(5_000),
  /** Makes the call idempotent: the same id stores one message. */
  messageId: safeText().trim().min(8).max(64),
});
export type CaseMessageRequest = z.infer<typeof ZCaseMessageRequest>;

/** The body of a webhook call to the bot (signed: see docs/HANDOFF.md). */
export const ZWebhookEvent = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('status_changed'),
    case_id: z.uuid(),
    status: ZCaseStatus,
    at: z.iso.datetime(),
  }),
  z.object({
    event: z.literal('queue_position_changed'),
    case_id: z.uuid(),
    position: z.number().int(),
    estimated_wait_seconds: z.number().int().nullable(),
    at: z.iso.datetime(),
  }),
  z.object({
    event: z.literal('agent_message_created'),
    case_id: z.uuid(),
    message: z.object({
      id: z.uuid(),
      text: z.string(),
      agent_name: z.string().nullable(),
      seq: z.number().int(),
    }),
    at: z.iso.datetime(),
  }),
  z.object({
    event: z.literal('case_finished'),
    case_id: z.uuid(),
    resolution: ZResolution,
    on_finish: z.unknown(),
    at: z.iso.datetime(),
  }),
]);
export type WebhookEvent = z.infer<typeof ZWebhookEvent>;
