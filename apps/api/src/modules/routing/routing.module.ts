import { Module } from '@nestjs/common';
import { AgentCapacityModule } from '../agents/agent-capacity.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { QueuePositionsService } from './queue-positions.service.js';
import { RoutingEngine } from './routing.engine.js';
import { SupervisorHistoryService } from './supervisor-history.service.js';
import { SupervisorOverviewService } from './supervisor-overview.service.js';
import { SupervisorController } from './supervisor.controller.js';

@Module({
  imports: [AgentCapacityModule, ConversationsModule],
  providers: [RoutingEngine, QueuePositionsService, SupervisorOverviewService, SupervisorHistoryService],
  controllers: [SupervisorController],
  exports: [RoutingEngine, QueuePositionsService, SupervisorOverviewService],
})
export class RoutingModule {}
