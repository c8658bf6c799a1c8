import type { Conversation } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import { DataEncryptionService } from '../../src/common/crypto/data-encryption.service.js';
import { toConversation } from '../../src/modules/conversations/conversation.mapper.js';
import { ConversationsService } from '../../src/modules/conversations/conversations.service.js';
import { RoutingEngine } from '../../src/modules/routing/routing.engine.js';
import { VisitorTokenService } from '../../src/modules/widget/visitor-token.service.js';
import type { TestApi } from '../support/api.js';

/** A customer of `channelId` with no conversation yet. */
export function createContact(api: TestApi, channelId: string) {
  return api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
}

/** A web chat visitor: their contact and the signed token their widget would hold. */
export async function visitor(api: TestApi, channelId: string) {
  const contact = await createContact(api, channelId);
  const token = api.app.get(VisitorTokenService).issue({ contactId: contact.id, channelId });
  return { contact, token };
}

/**
 * A WhatsApp customer stored as the channel stores them: the number encrypted and bound to the
 * contact, found again by its blind index only.
 */
export async function whatsappContact(api: TestApi, channelId: string, phone: string) {
  const crypto = api.app.get(DataEncryptionService);
  const id = randomUUID();
  const e164 = `+${phone}`;
  const sealed = crypto.encrypt(e164, `contact-phone:${id}`);
  const index = crypto.blindIndex(e164, 'contact-phone');
  return api.prisma.contact.create({
    data: {
      id,
      channelId,
      externalId: index,
      phoneBlindIndex: index,
      phoneCiphertext: sealed.ciphertext,
      keyId: sealed.keyId,
    },
  });
}

export interface HandoffOptions {
  priority?: number;
  reason?: string;
  summary?: string;
  intent?: string;
  /** The customer who writes (a new one unless given). */
  contactId?: string;
  /** The API instance that performs the handoff (another server of the same deployment). */
  via?: TestApi;
}

/**
 * A customer conversation the bot was handling, handed off to `queueId` the way the bot does it, so
 * routing, timers and fan-out react as in production. Routing runs after the handoff is answered:
 * this waits for the routing it triggered and returns the conversation as routing left it.
 */
export async function handedOff(
  api: TestApi,
  channelId: string,
  queueId: string,
  options: HandoffOptions = {},
): Promise<Conversation> {
  const { via = api, contactId, priority, ...handoff } = options;
  const contact = contactId ?? (await createContact(api, channelId)).id;
  const created = await api.prisma.conversation.create({ data: { channelId, contactId: contact } });
  await via.app.get(ConversationsService).handoff(created.id, {
    queueId,
    reason: 'customer_asked',
    ...(priority !== undefined && { priority }),
    ...handoff,
  });
  await via.app.get(RoutingEngine).idle();
  return toConversation(await api.prisma.conversation.findUniqueOrThrow({ where: { id: created.id } }));
}

/**
 * A customer message stored behind the services' backs (no event, no job), as if the process had
 * died between storing it and queueing its work: only a recovery sweep can find it.
 */
export async function strandedCustomerMessage(
  api: TestApi,
  conversationId: string,
  body: string,
  createdAt = new Date(),
) {
  return api.prisma.message.create({
    data: { conversationId, seq: 1, authorKind: 'customer', kind: 'customer', body, createdAt },
  });
}

export interface StoredConversation {
  channelId: string;
  /** A new contact of the channel unless given. */
  contactId?: string;
  queueId?: string;
  /** Required for `assigned`. */
  assigneeId?: string;
  lastSeq?: number;
}

/**
 * A conversation written straight to the database in `status` (no transition, event, job or audit):
 * a state to start from, or one the engine has not been told about (what only a sweep can find).
 * Waiting conversations wait from now; assigned ones were assigned now.
 */
export async function conversationIn(
  api: TestApi,
  status: 'bot' | 'queued' | 'assigned',
  data: StoredConversation,
) {
  const now = new Date();
  const contactId = data.contactId ?? (await createContact(api, data.channelId)).id;
  return api.prisma.conversation.create({
    data: {
      channelId: data.channelId,
      contactId,
      status,
      ...(data.queueId && { queueId: data.queueId }),
      ...(data.lastSeq !== undefined && { lastSeq: data.lastSeq }),
      ...(status !== 'bot' && { waitingSince: now }),
      ...(status === 'assigned' && { assigneeId: data.assigneeId, assignedAt: now }),
    },
  });
}
