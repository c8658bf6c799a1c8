import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ExternalCasesModule } from '../external-cases/external-cases.module.js';
import { ConversationRetentionService } from './conversation-retention.service.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyService } from './privacy.service.js';

/** Customers' personal data: export and erasure (API), retention of closed conversations (worker). */
@Module({
  imports: [ContactsModule, ConversationsModule, ExternalCasesModule],
  providers: [PrivacyService, ConversationRetentionService],
  controllers: [PrivacyController],
  exports: [ConversationRetentionService],
})
export class PrivacyModule {}
