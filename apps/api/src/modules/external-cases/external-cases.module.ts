import { Module } from '@nestjs/common';
import { AgentCapacityModule } from '../agents/agent-capacity.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { CaseWebhooksService } from './case-webhooks.service.js';
import { ExternalCasesController } from './external-cases.controller.js';
import { ExternalCasesService } from './external-cases.service.js';

/** The external bot handoff API and the webhooks that report back (API and worker). */
@Module({
  imports: [ApiKeysModule, AgentCapacityModule, ContactsModule, ConversationsModule, RoutingModule],
  providers: [ExternalCasesService, CaseWebhooksService],
  controllers: [ExternalCasesController],
  exports: [ApiKeysModule, ExternalCasesService],
})
export class ExternalCasesModule {}
