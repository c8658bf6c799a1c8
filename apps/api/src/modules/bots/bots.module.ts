import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { KnowledgeModule } from '../knowledge/knowledge.module.js';
import { BotDispatcherService } from './bot-dispatcher.service.js';
import { BotTurnsService } from './bot-turns.service.js';
import { BotsAdminService } from './bots-admin.service.js';
import { BotsController } from './bots.controller.js';
import { KnowledgeBaseBotEngine } from './engines/knowledge-base-bot.engine.js';
import { LlmBotEngine } from './engines/llm-bot.engine.js';

/**
 * Bots: the admin API, the dispatcher that turns customer messages into bot turns (API and worker),
 * and the turns themselves (run by the worker's BotTurnHandler).
 */
@Module({
  imports: [ConversationsModule, KnowledgeModule],
  providers: [BotsAdminService, BotDispatcherService, BotTurnsService, KnowledgeBaseBotEngine, LlmBotEngine],
  controllers: [BotsController],
  exports: [BotTurnsService, BotDispatcherService],
})
export class BotsModule {}
