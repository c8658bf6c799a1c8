import { Module } from '@nestjs/common';
import { AgentCapacity } from './agent-capacity.service.js';

/**
 * Agents' seats on their own, so conversations, routing and the handoff API can take and give them
 * back in their transactions without depending on the rest of the agents module (which depends on
 * conversations).
 */
@Module({
  providers: [AgentCapacity],
  exports: [AgentCapacity],
})
export class AgentCapacityModule {}
