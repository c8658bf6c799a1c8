import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { QueuePositionsService } from './queue-positions.service.js';
import { RoutingEngine } from './routing.engine.js';

@Module({
  imports: [ConversationsModule],
  providers: [RoutingEngine, QueuePositionsService],
  exports: [RoutingEngine, QueuePositionsService],
})
export class RoutingModule {}
