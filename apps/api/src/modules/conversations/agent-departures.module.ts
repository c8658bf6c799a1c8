import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { AgentDepartures } from './agent-departures.service.js';
import { ConversationsModule } from './conversations.module.js';
import { SessionsEndedSubscriber } from './sessions-ended.subscriber.js';

/** Agents who leave (API and worker): at once when their last session ends, after a grace period when their connection drops. */
@Module({
  imports: [AuthModule, AgentsModule, ConversationsModule],
  providers: [AgentDepartures, SessionsEndedSubscriber],
  exports: [AgentDepartures],
})
export class AgentDeparturesModule {}
