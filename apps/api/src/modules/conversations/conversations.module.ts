import { Module } from '@nestjs/common';
import { ConversationTransitions } from './conversation-transitions.service.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsService } from './conversations.service.js';

@Module({
  providers: [ConversationTransitions, ConversationsService],
  controllers: [ConversationsController],
  exports: [ConversationTransitions, ConversationsService],
})
export class ConversationsModule {}
