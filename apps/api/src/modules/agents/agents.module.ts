import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AgentConnectionsService } from './agent-connections.service.js';
import { AgentCapacityController, AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';
import { SessionsEndedSubscriber } from './sessions-ended.subscriber.js';

@Module({
  imports: [AuthModule, ConversationsModule],
  providers: [AgentsService, AgentConnectionsService, SessionsEndedSubscriber],
  controllers: [AgentsController, AgentCapacityController],
  exports: [AgentsService, AgentConnectionsService],
})
export class AgentsModule {}
