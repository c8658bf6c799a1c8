import { Module } from '@nestjs/common';
import { AgentCapacityModule } from '../agents/agent-capacity.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { CaseWebhooksService } from './case-webhooks.service.js';
import { HandoffController } from './handoff.controller.js';
import { HandoffService } from './handoff.service.js';

/** The external bot handoff API and the webhooks that report back (API and worker). */
@Module({
  imports: [ApiKeysModule, AgentCapacityModule, ContactsModule, ConversationsModule, RoutingModule],
  providers: [HandoffService, CaseWebhooksService],
  controllers: [HandoffController],
  exports: [ApiKeysModule],
})
export class HandoffModule {}
