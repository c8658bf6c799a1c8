import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AgentConnectionsService } from './agent-connections.service.js';
import { AgentCapacityController, AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';

@Module({
  imports: [AuthModule],
  providers: [AgentsService, AgentConnectionsService],
  controllers: [AgentsController, AgentCapacityController],
  exports: [AgentsService, AgentConnectionsService],
})
export class AgentsModule {}
