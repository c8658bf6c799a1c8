import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AgentGateway } from './agent.gateway.js';

@Module({ imports: [AuthModule, ConversationsModule, AgentsModule], providers: [AgentGateway] })
export class RealtimeModule {}
