import { Module } from '@nestjs/common';
import { AgentCapacityModule } from '../agents/agent-capacity.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationPrivacy } from './conversation-privacy.service.js';
import { ConversationTimersService } from './conversation-timers.service.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';
import { CustomerConversationsService } from './customer-conversations.service.js';
import { HandoffBriefs } from './handoff-briefs.service.js';
import { MessageLog } from './message-log.service.js';

@Module({
  imports: [AgentCapacityModule, ContactsModule],
  providers: [
    ConversationTransitions,
    MessageLog,
    ConversationsService,
    CustomerConversationsService,
    ConversationTimersService,
    HandoffBriefs,
    ConversationPrivacy,
  ],
  controllers: [ConversationsController],
  exports: [
    ConversationTransitions,
    MessageLog,
    ConversationsService,
    CustomerConversationsService,
    ConversationTimersService,
    HandoffBriefs,
    ConversationPrivacy,
  ],
})
export class ConversationsModule {}
