import {
  DEMO_CHANNEL_NAME,
  type CustomerConversation,
  type CustomerConversationState,
  type WidgetSessionResponse,
  WidgetErrorCode,
} from '@baton/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors/domain.error.js';
import { currentRequestContext } from '../../common/http/request-context.js';
import { LOGGER } from '../../logging/logging.module.js';
import { Prisma } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import type { Visitor } from '../conversations/customer-conversations.service.js';
import { VisitorTokenService } from './visitor-token.service.js';
import { QueuePositionsService } from '../routing/queue-positions.service.js';
import { originAllowed, readWebchatPolicy } from './webchat-origin.policy.js';
import { WidgetLimitsService } from './widget-limits.service.js';

/** A webchat channel a page may use, as the widget needs it. */
export interface WidgetChannel {
  id: string;
  name: string;
  greeting: string | null;
}

/** The demo page embeds the channel with this name (the seed creates it). */

/**
 * The web chat's server side outside the socket: visitor sessions for the embedded widget, and the
 * visitor's open conversation (for a reload or a reconnect to resume where it was).
 */
@Injectable()
export class WidgetService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: VisitorTokenService,
    private readonly limits: WidgetLimitsService,
    private readonly positions: QueuePositionsService,
    private readonly audit: AuditService,
    private readonly contacts: ContactsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The enabled webchat channel a page at `origin` may use. Unknown, disabled and other kinds of
   * channel all answer the same 404, so the endpoint tells nothing about channels it does not serve.
   */
  async channelFor(channelId: string, origin: string | undefined): Promise<WidgetChannel> {
    const channel = await this.prisma.channel.findUnique({ where: { id: channelId } });
    if (!channel || !channel.enabled || channel.kind !== 'webchat') {
      throw new DomainError(WidgetErrorCode.ChannelNotFound, 'No such web chat.', 404);
    }
    const policy = readWebchatPolicy(channel.config);
    if (!policy) {
      this.logger.warn({ channelId }, 'webchat channel config is malformed; widget sessions refused');
      throw new DomainError(
        WidgetErrorCode.ChannelMisconfigured,
        'This chat is not available right now.',
        503,
      );
    }
    if (!originAllowed(policy, origin)) {
      await this.audit.recordNow({
        action: 'access.denied',
        result: 'denied',
        target: { type: 'channel', id: channel.id },
        data: {
          status: 403,
          errorCode: WidgetErrorCode.OriginNotAllowed,
          reason: 'origin_not_allowed',
          origin: origin ?? null,
        },
      });
      throw new DomainError(WidgetErrorCode.OriginNotAllowed, 'This site may not embed this chat.', 403);
    }
    return { id: channel.id, name: channel.name, greeting: policy.greeting };
  }

  /** The same visitor for a valid token of this channel (with a fresh token), else a new visitor. */
  async session(channel: WidgetChannel, token: string | undefined): Promise<WidgetSessionResponse> {
    const visitor = (await this.returningVisitor(channel.id, token)) ?? (await this.newVisitor(channel.id));
    const open = await this.openConversation(visitor);
    return {
      token: this.tokens.issue(visitor),
      channel: { name: channel.name, greeting: channel.greeting },
      conversation: open && toCustomerConversation(open),
    };
  }

  /** The visitor's open conversation with its place in the queue while queued; null when there is none. */
  async current(visitor: Visitor): Promise<CustomerConversationState | null> {
    const open = await this.openConversation(visitor);
    if (!open) return null;
    const place =
      open.status === 'queued' && open.queueId
        ? (await this.positions.forQueue(open.queueId)).find((p) => p.conversationId === open.id)
        : undefined;
    return {
      ...toCustomerConversation(open),
      position: place?.position ?? null,
      estimatedWaitSeconds: place?.estimatedWaitSeconds ?? null,
    };
  }

  /**
   * The channel a visitor token names, if the contact it names still belongs to it and was not
   * erased: what every
   * `/customer` handshake checks. One prepared statement straight on the pool — a reconnect burst of
   * thousands of widgets otherwise spends more in the ORM's query building than in the query.
   */
  async visitorChannel(visitor: Visitor): Promise<{ id: string; enabled: boolean; config: unknown } | null> {
    const [channel] = await this.prisma.prepared<{
      id: string;
      enabled: boolean;
      config: unknown;
    }>(Prisma.sql`
      SELECT ch.id, ch.enabled, ch.config
        FROM contacts co JOIN channels ch ON ch.id = co.channel_id
       WHERE co.id = ${visitor.contactId}::uuid AND ch.id = ${visitor.channelId}::uuid
         AND co.erased_at IS NULL`);
    return channel ?? null;
  }

  /** The channel the demo page embeds, if it exists and is enabled. */
  async demoChannelId(): Promise<string | null> {
    const channel = await this.prisma.channel.findFirst({
      where: { name: DEMO_CHANNEL_NAME, kind: 'webchat', enabled: true },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    return channel?.id ?? null;
  }

  private async returningVisitor(channelId: string, token: string | undefined): Promise<Visitor | null> {
    const visitor = token ? this.tokens.verify(token) : null;
    if (!visitor || visitor.channelId !== channelId) return null;
    return (await this.contacts.channelOf(visitor.contactId)) === channelId ? visitor : null;
  }

  private async newVisitor(channelId: string): Promise<Visitor> {
    await this.limits.newVisitor(currentRequestContext()?.ip ?? 'unknown', channelId);
    const contactId = await this.prisma.$transaction((tx) =>
      // A random visitor id: nothing about the browser or the person is stored.
      this.contacts.create(tx, { channelId, externalId: `web_${randomUUID()}`, audit: { source: 'widget' } }),
    );
    return { contactId, channelId };
  }

  /** Same rule as sending: the newest conversation that is not closed (a resolved one reopens on a message). */
  private openConversation(visitor: Visitor) {
    return this.prisma.conversation.findFirst({
      where: { contactId: visitor.contactId, status: { not: 'closed' } },
      orderBy: { createdAt: 'desc' },
      include: { assignee: { select: { displayName: true } } },
    });
  }
}

function toCustomerConversation(c: {
  id: string;
  status: CustomerConversation['status'];
  lastSeq: number;
  assignee: { displayName: string } | null;
}): CustomerConversation {
  return { id: c.id, status: c.status, agentName: c.assignee?.displayName ?? null, lastSeq: c.lastSeq };
}
