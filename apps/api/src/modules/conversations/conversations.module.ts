import { Module } from '@nestjs/common';
import { ConversationTimersService } from './conversation-timers.service.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';
import { CustomerConversationsService } from './customer-conversations.service.js';
import { HandoffBriefs } from './handoff-briefs.service.js';

@Module({
  providers: [
    ConversationTransitions,
    ConversationsService,
    CustomerConversationsService,
    ConversationTimersService,
    HandoffBriefs,
  ],
  controllers: [ConversationsController],
  exports: [ConversationTransitions, ConversationsService, CustomerConversationsService, HandoffBriefs],
})
export class ConversationsModule {}
