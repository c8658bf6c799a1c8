import { z } from 'zod';
import { safeText } from './text.js';

/** Finds a customer's contacts by an exact email or phone number (through their blind indexes). */
export const ZContactLookupQuery = z
  .strictObject({
    email: z.email().max(320).optional(),
    phone: safeText().trim().max(40).regex(/\d/, 'must contain digits').optional(),
  })
  .refine((query) => (query.email === undefined) !== (query.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  });
export type ContactLookupQuery = z.infer<typeof ZContactLookupQuery>;

export const ZContactMatch = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  createdAt: z.iso.datetime(),
  /** Set once the contact's personal data was erased. */
  erasedAt: z.iso.datetime().nullable(),
});
export type ContactMatch = z.infer<typeof ZContactMatch>;

const exportedMessage = z.object({
  seq: z.number().int(),
  at: z.iso.datetime(),
  authorKind: z.enum(['customer', 'bot', 'agent', 'system']),
  kind: z.string(),
  /** Notes and whispers: seen by staff only, never by the customer. */
  internal: z.boolean(),
  body: z.string(),
});

const exportedConversation = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  status: z.string(),
  createdAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
  resolution: z.string().nullable(),
  /** What travelled with the handoff to a person; null when the conversation was never handed off. */
  handoff: z
    .object({
      at: z.iso.datetime().nullable(),
      reason: z.string().nullable(),
      summary: z.string().nullable(),
      intent: z.string().nullable(),
      context: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable(),
  /** The request an external bot opened the case with (customer identity left out: it is above). */
  botRequest: z.record(z.string(), z.unknown()).nullable(),
  messages: z.array(exportedMessage),
});

/** What the audit trail records about the contact, without the people who acted or their addresses. */
const exportedAuditEvent = z.object({
  at: z.iso.datetime(),
  action: z.string(),
  result: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  /** Who acted, as a kind: the customer or the system (`system`), or a member of staff (`staff`). */
  by: z.enum(['system', 'staff']),
});

/** Everything Baton holds about one contact, for a data subject's access request. */
export const ZContactExport = z.object({
  exportedAt: z.iso.datetime(),
  contact: z.object({
    id: z.uuid(),
    channelId: z.uuid(),
    externalId: z.string(),
    createdAt: z.iso.datetime(),
    erasedAt: z.iso.datetime().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  conversations: z.array(exportedConversation),
  audit: z.array(exportedAuditEvent),
});
export type ContactExport = z.infer<typeof ZContactExport>;

export const ZContactErasureRequest = z.strictObject({
  /** Erase even while a conversation is live (with the bot, queued or assigned). */
  force: z.boolean().prefault(false),
});
export type ContactErasureRequest = z.infer<typeof ZContactErasureRequest>;

export const ZContactErasure = z.object({
  contactId: z.uuid(),
  erasedAt: z.iso.datetime(),
  /** True when the contact had been erased before: only what was written since was redacted now. */
  alreadyErased: z.boolean(),
  conversations: z.number().int(),
  messages: z.number().int(),
  handoffs: z.number().int(),
  botRequests: z.number().int(),
  /** Conversations still live when the contact was erased (only with `force`). */
  liveConversations: z.number().int(),
});
export type ContactErasure = z.infer<typeof ZContactErasure>;

/** What an erased message's body reads: the message keeps its place (its `seq`), author and time. */
export const ERASED_MESSAGE_BODY = '[erased]';
