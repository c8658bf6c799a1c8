import { z } from 'zod';
import { safeText } from './text.js';

/**
 * Every action the audit trail records, as a dotted past-tense name. Writing an event with a name
 * outside this union fails to compile (API) or to parse (anything reading the trail).
 */
export const ZAuditAction = z.enum([
  'access.denied',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.login_throttled',
  'auth.logged_out',
  'auth.other_sessions_ended',
  'auth.password_changed',
  'auth.password_change_failed',
  'auth.password_change_throttled',
  'auth.mfa_enrolment_started',
  'auth.mfa_activated',
  'auth.mfa_verified',
  'auth.mfa_failed',
  'auth.mfa_throttled',
  'auth.recovery_code_used',
  'user.created',
  'user.updated',
  'user.roles_changed',
  'user.disabled',
  'user.enabled',
  'user.mfa_reset',
  'user.sessions_ended',
  'user.listed',
  'role.created',
  'role.updated',
  'role.deleted',
  'settings.updated',
  'queue.created',
  'queue.updated',
  'queue.archived',
  'queue.members_changed',
  'agent.status_changed',
  'agent.capacity_changed',
  'conversation.handed_off',
  'conversation.assigned',
  'conversation.offered',
  'conversation.offer_declined',
  'conversation.offer_expired',
  'conversation.offer_withdrawn',
  'conversation.unassigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.closed',
  'conversation.handed_back',
  'conversation.priority_changed',
  'conversation.sla_breached',
  'message.created',
  'conversation.whispered',
  'conversation.barged_in',
  'conversation.customer_viewed',
  'conversation.colleagues_listed',
  'contact.created',
  'contact.searched',
  'contact.exported',
  'contact.erased',
  'conversation.purged',
  'conversation.bot_failed',
  'message.throttled',
  'message.delivery_updated',
  'channel.created',
  'channel.updated',
  'channel.deleted',
  'channel.signature_rejected',
  'bot.created',
  'bot.updated',
  'bot.deleted',
  'knowledge_article.created',
  'knowledge_article.updated',
  'knowledge_article.deleted',
  'canned_response.created',
  'canned_response.updated',
  'canned_response.deleted',
  'api_key.created',
  'api_key.revoked',
  'webhook.delivery_failed',
  'access_review.read',
  'audit.searched',
  'audit.exported',
  'audit.verified',
  'audit.archived',
  'data_key.rotated',
]);
export type AuditAction = z.infer<typeof ZAuditAction>;

export const ZAuditResult = z.enum(['success', 'denied', 'failed']);
export type AuditResult = z.infer<typeof ZAuditResult>;

export const ZAuditEvent = z.object({
  seq: z.string(),
  chainPosition: z.string().nullable(),
  occurredAt: z.iso.datetime(),
  actor: z.object({ id: z.string().nullable(), email: z.string().nullable(), roles: z.array(z.string()) }),
  action: ZAuditAction,
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  result: ZAuditResult,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof ZAuditEvent>;

const seqCursor = safeText()
  .regex(/^\d{1,19}$/, 'must be a sequence number')
  // Zod runs every check even after the regex failed, so this one must not throw on non-digits.
  .refine(
    (value) => /^\d{1,19}$/.test(value) && BigInt(value) <= 9_223_372_036_854_775_807n,
    'must be a sequence number',
  );

/** Filters shared by the audit query and export endpoints. */
export const ZAuditFilter = z.strictObject({
  actorId: z.uuid().optional(),
  actorEmail: safeText().trim().toLowerCase().max(320).optional(),
  action: ZAuditAction.optional(),
  targetType: safeText().max(64).optional(),
  targetId: safeText().max(128).optional(),
  result: ZAuditResult.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilter = z.infer<typeof ZAuditFilter>;

export const ZAuditQuery = ZAuditFilter.extend({
  /** Newest first; pass the previous page's `nextCursor` to continue. */
  cursor: seqCursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).prefault(50),
});
export type AuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditPage = z.object({ items: z.array(ZAuditEvent), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof ZAuditPage>;

export const ZAuditExportQuery = ZAuditFilter.extend({ format: z.enum(['csv', 'json']).prefault('json') });
export type AuditExportQuery = z.infer<typeof ZAuditExportQuery>;

export const ZChainVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  /**
   * The last chain position moved out of the database by `audit:archive` (vouched for by a signed
   * checkpoint); verification started after it. Null when the chain starts at position 1.
   */
  archivedThrough: z.string().nullable().default(null),
  /** Hash of the last sealed event; record it elsewhere to detect truncation of the chain's tail. */
  head: z.object({ chainPosition: z.string(), seq: z.string(), hash: z.string() }).nullable(),
  firstBroken: z
    .object({ seq: z.string(), chainPosition: z.string().nullable(), reason: z.string() })
    .nullable(),
  unsealed: z.number().int(),
  oldestUnsealedSeconds: z.number().nullable(),
  /**
   * The chain held against the signed checkpoints kept outside the database; absent when no
   * checkpoint file was found to check against.
   */
  checkpoints: z
    .object({
      /** Checkpoints whose signature is valid and whose hash the database still has. */
      verified: z.number().int(),
      latest: z.object({ chainPosition: z.string(), hash: z.string(), createdAt: z.string() }).nullable(),
      keyIds: z.array(z.string()),
      /** The first disagreement: a bad signature, a rewritten position, or events removed from the end. */
      failure: z
        .object({
          chainPosition: z.string().nullable(),
          createdAt: z.string().nullable(),
          reason: z.string(),
        })
        .nullable(),
    })
    .optional(),
});
export type ChainVerification = z.infer<typeof ZChainVerification>;
