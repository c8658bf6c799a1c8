import { Permission } from '@baton/authz';
import {
  ZConversationListQuery,
  ZMessagesQuery,
  ZPriorityRequest,
  ZResolveRequest,
  ZSendMessageRequest,
  ZTransferRequest,
  type Conversation,
  type ConversationListQuery,
  type ConversationPage,
  type ConversationCustomer,
  type HandoffBrief,
  type ResolveRequest,
  type Message,
  type MessagesQuery,
  type PriorityRequest,
  type RoutingDecision,
  type SendMessageRequest,
  type TimelineEvent,
  type TransferColleague,
  type TransferRequest,
} from '@baton/contracts';
import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody, ZodQuery } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../auth/session.service.js';
import { ConversationsService } from './conversations.service.js';

// The body is optional: resolving without one records `result_ok`.
const ZOptionalResolveRequest = z.preprocess((body) => body ?? {}, ZResolveRequest);

@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  /** A page of my open conversations and those in my queues, highest priority and longest waiting first. */
  @Get()
  @RequirePermission(Permission.ConversationRead)
  list(
    @CurrentSession() session: AuthSession,
    @ZodQuery(ZConversationListQuery) query: ConversationListQuery,
  ): Promise<ConversationPage> {
    return this.conversations.list(session, query);
  }

  @Get(':id')
  @RequirePermission(Permission.ConversationRead)
  get(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.get(session, id);
  }

  /** Why it was handed off and what the customer and the bot said before: what an agent reads first. */
  @Get(':id/handoff')
  @RequirePermission(Permission.ConversationRead)
  handoff(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<HandoffBrief> {
    return this.conversations.handoffBrief(session, id);
  }

  /** Who the customer is (name, email and phone decrypted) and how often they came before; audited. */
  @Get(':id/customer')
  @RequirePermission(Permission.ConversationRead)
  customer(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<ConversationCustomer> {
    return this.conversations.customer(session, id);
  }

  @Get(':id/timeline')
  @RequirePermission(Permission.ConversationRead)
  timeline(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<TimelineEvent[]> {
    return this.conversations.timeline(session, id);
  }

  /** "Why was this routed here": each decision with every candidate and the verdict on each. */
  @Get(':id/routing-decisions')
  @RequirePermission(Permission.ConversationSupervise)
  routingDecisions(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
  ): Promise<RoutingDecision[]> {
    return this.conversations.routingDecisions(session, id);
  }

  /** Exactly the messages after `afterSeq`: how a client fills a gap or catches up after reconnecting. */
  @Get(':id/messages')
  @RequirePermission(Permission.ConversationRead)
  messages(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodQuery(ZMessagesQuery) query: MessagesQuery,
  ): Promise<Message[]> {
    return this.conversations.messages(session, id, query.afterSeq, query.limit);
  }

  /** A reply or internal note; idempotent on `clientMessageId`. */
  @Post(':id/messages')
  @RequirePermission(Permission.ConversationReply)
  send(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZSendMessageRequest) body: SendMessageRequest,
  ): Promise<Message> {
    return this.conversations.send(session, id, body);
  }

  /** A supervisor's message only staff see, for the assigned agent. */
  @Post(':id/whisper')
  @RequirePermission(Permission.ConversationSupervise)
  whisper(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZSendMessageRequest) body: SendMessageRequest,
  ): Promise<Message> {
    return this.conversations.send(session, id, body, 'whisper');
  }

  /** A supervisor writes to the customer in a conversation assigned to someone else. */
  @Post(':id/barge-in')
  @RequirePermission(Permission.ConversationSupervise)
  bargeIn(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZSendMessageRequest) body: SendMessageRequest,
  ): Promise<Message> {
    return this.conversations.send(session, id, body, 'barge_in');
  }

  @Post(':id/claim')
  @RequirePermission(Permission.ConversationClaim)
  @HttpCode(200)
  claim(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.claim(session, id);
  }

  /** Offer mode: take the conversation offered to me. */
  @Post(':id/offer/accept')
  @RequirePermission(Permission.ConversationClaim)
  @HttpCode(200)
  acceptOffer(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.acceptOffer(session, id);
  }

  @Post(':id/offer/decline')
  @RequirePermission(Permission.ConversationClaim)
  @HttpCode(200)
  declineOffer(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.declineOffer(session, id);
  }

  @Post(':id/unassign')
  @RequirePermission(Permission.ConversationTransfer)
  @HttpCode(200)
  unassign(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.unassign(session, id);
  }

  /** Who this conversation can go to: the other online members of its queue, with their load; audited. */
  @Get(':id/colleagues')
  @RequirePermission(Permission.ConversationTransfer)
  colleagues(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<TransferColleague[]> {
    return this.conversations.colleagues(session, id);
  }

  @Post(':id/transfer')
  @RequirePermission(Permission.ConversationTransfer)
  @HttpCode(200)
  transfer(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZTransferRequest) body: TransferRequest,
  ): Promise<Conversation> {
    return this.conversations.transfer(session, id, body);
  }

  @Post(':id/resolve')
  @RequirePermission(Permission.ConversationResolve)
  @HttpCode(200)
  resolve(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZOptionalResolveRequest) body: ResolveRequest,
  ): Promise<Conversation> {
    return this.conversations.resolve(session, id, body.resolution);
  }

  @Post(':id/reopen')
  @RequirePermission(Permission.ConversationResolve)
  @HttpCode(200)
  reopen(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.reopen(session, id);
  }

  @Post(':id/hand-back')
  @RequirePermission(Permission.ConversationTransfer)
  @HttpCode(200)
  handBack(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<Conversation> {
    return this.conversations.handBack(session, id);
  }

  @Put(':id/priority')
  @RequirePermission(Permission.ConversationSupervise)
  setPriority(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZPriorityRequest) body: PriorityRequest,
  ): Promise<Conversation> {
    return this.conversations.setPriority(session, id, body.priority);
  }
}
