import {
  PrivacyErrorCode,
  type ContactErasure,
  type ContactExport,
  type ContactLookupQuery,
  type ContactMatch,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditQueryService } from '../audit/audit-query.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationPrivacy } from '../conversations/conversation-privacy.service.js';
import { ExternalCasesService } from '../external-cases/external-cases.service.js';

const noSuchContact = () => new DomainError(CommonErrorCode.NotFound, 'No such contact.', 404);

type Erasure = { refused: number } | { done: ContactErasure };

/**
 * Customers' rights over their personal data: find a contact by email or phone, export everything
 * held about it, erase it. Each is audited without the personal data it handles.
 */
@Injectable()
export class PrivacyService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationPrivacy,
    private readonly externalCases: ExternalCasesService,
    private readonly audit: AuditService,
    private readonly auditQuery: AuditQueryService,
  ) {}

  /** The contacts with this exact email or phone, on any channel. The search is audited, not its value. */
  async find(query: ContactLookupQuery): Promise<ContactMatch[]> {
    const by = query.email !== undefined ? 'email' : 'phone';
    const matches = await this.contacts.findBy(by, query.email ?? query.phone ?? '');
    await this.audit.recordNow({
      action: 'contact.searched',
      target: { type: 'contact' },
      data: { by, matches: matches.map((m) => m.id) },
    });
    return matches.map((m) => ({
      id: m.id,
      channelId: m.channelId,
      createdAt: m.createdAt.toISOString(),
      erasedAt: m.erasedAt?.toISOString() ?? null,
    }));
  }

  /**
   * Everything about the contact: its details decrypted, every conversation with every message
   * (staff notes included, marked internal), the handoff briefs and bot requests, and the audit events
   * about the contact and its conversations without who acted or from where. Audited before it answers.
   */
  async export(contactId: string): Promise<ContactExport> {
    const contact = await this.contacts.exportOf(contactId);
    if (!contact) throw noSuchContact();
    const conversations = await this.conversations.ofContact(contactId);
    const ids = conversations.map((c) => c.id);
    const [requests, events] = await Promise.all([
      this.externalCases.requestsOf(ids),
      this.auditQuery.about([contactId, ...ids]),
    ]);
    const messages = conversations.reduce((sum, c) => sum + c.messages.length, 0);
    await this.audit.recordNow({
      action: 'contact.exported',
      target: { type: 'contact', id: contactId },
      data: { conversations: conversations.length, messages },
    });
    return {
      exportedAt: new Date().toISOString(),
      contact: {
        id: contact.id,
        channelId: contact.channelId,
        externalId: contact.externalId,
        createdAt: contact.createdAt.toISOString(),
        erasedAt: contact.erasedAt?.toISOString() ?? null,
        name: contact.name,
        email: contact.email,
        phone: contact.phone,
      },
      conversations: conversations.map((c) => ({
        id: c.id,
        channelId: c.channelId,
        status: c.status,
        createdAt: c.createdAt.toISOString(),
        closedAt: c.closedAt?.toISOString() ?? null,
        resolution: c.resolution,
        handoff: c.handedOffAt
          ? {
              at: c.handedOffAt.toISOString(),
              reason: c.handoffReason,
              summary: c.handoffSummary,
              intent: c.handoffIntent,
              context: (c.handoffContext as Record<string, unknown> | null) ?? null,
            }
          : null,
        botRequest: requests.get(c.id) ?? null,
        messages: c.messages.map((m) => ({
          seq: m.seq,
          at: m.createdAt.toISOString(),
          authorKind: m.authorKind,
          kind: m.kind,
          internal: m.internal,
          body: m.body,
        })),
      })),
      audit: events.map((e) => ({
        at: e.occurredAt.toISOString(),
        action: e.action,
        result: e.result,
        target: { type: e.targetType, id: e.targetId },
        by: e.actorId ? 'staff' : 'system',
      })),
    };
  }

  /**
   * Erases the contact's personal data in one transaction with its audit event: details, blind
   * indexes and channel-side id; message bodies; handoff summaries and context; bot requests. Refused
   * (and the refusal audited) while a conversation is live, unless `force`. Erasing an erased contact
   * again redacts only what was written since (a conversation still live at a forced erasure) and
   * changes nothing otherwise.
   */
  async erase(contactId: string, force: boolean): Promise<ContactErasure> {
    const outcome = await this.prisma.$transaction(async (tx): Promise<Erasure> => {
      const contact = await this.contacts.lockForErasure(tx, contactId);
      if (!contact) throw noSuchContact();
      const again = contact.erasedAt !== null;
      const live = await this.conversations.liveOf(tx, contactId);
      if (live > 0 && !force && !again) {
        await this.audit.record(tx, {
          action: 'contact.erased',
          result: 'denied',
          target: { type: 'contact', id: contactId },
          data: { reason: 'live_conversations', liveConversations: live },
        });
        return { refused: live };
      }
      const at = contact.erasedAt ?? new Date();
      const redacted = await this.conversations.redactOfContact(tx, contactId);
      const botRequests = await this.externalCases.redactRequests(tx, redacted.conversationIds);
      if (!again) await this.contacts.erase(tx, contactId, at);
      const counts = {
        conversations: redacted.conversationIds.length,
        messages: redacted.messages,
        handoffs: redacted.handoffs,
        botRequests,
        liveConversations: live,
      };
      if (!again || counts.messages + counts.handoffs + counts.botRequests > 0) {
        await this.audit.record(tx, {
          action: 'contact.erased',
          target: { type: 'contact', id: contactId },
          data: { ...counts, forced: live > 0 && !again, again },
        });
      }
      return { done: { contactId, erasedAt: at.toISOString(), alreadyErased: again, ...counts } };
    });
    if ('refused' in outcome) {
      throw new DomainError(
        PrivacyErrorCode.ContactHasLiveConversations,
        `The contact has ${outcome.refused} conversation(s) still open. Close them first, or erase with force.`,
        409,
      );
    }
    return outcome.done;
  }
}
