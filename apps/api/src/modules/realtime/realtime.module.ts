import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { AgentGateway } from './agent.gateway.js';
import { CustomerGateway } from './customer.gateway.js';
import { RealtimeFanoutModule } from './realtime-fanout.module.js';
import { VisitorTokenService } from './visitor-token.service.js';

@Module({
  imports: [AuthModule, ConversationsModule, AgentsModule, RoutingModule, RealtimeFanoutModule],
  providers: [AgentGateway, CustomerGateway, VisitorTokenService],
  exports: [VisitorTokenService],
})
export class RealtimeModule {}
