import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { WidgetModule } from '../widget/widget.module.js';
import { AgentGateway } from './agent.gateway.js';
import { AgentRoomsService } from './agent-rooms.service.js';
import { CustomerGateway } from './customer.gateway.js';
import { DefaultNamespaceGateway } from './default-namespace.gateway.js';
import { RealtimeFanoutModule } from './realtime-fanout.module.js';

// Visitor tokens come from WidgetModule: the customer gateway needs the widget's limits and state.
@Module({
  imports: [AuthModule, ConversationsModule, AgentsModule, RoutingModule, RealtimeFanoutModule, WidgetModule],
  providers: [AgentGateway, AgentRoomsService, CustomerGateway, DefaultNamespaceGateway],
  exports: [WidgetModule],
})
export class RealtimeModule {}
