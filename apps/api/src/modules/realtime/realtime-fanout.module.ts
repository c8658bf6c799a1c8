import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { DroppedEventsService } from './dropped-events.service.js';
import { RealtimeFanoutService } from './realtime-fanout.service.js';
import { SocketEmitterService } from './socket-emitter.service.js';

/**
 * Socket fan-out of domain events; imported by the API and by the worker. The API's socket.io
 * adapter and metrics count the events Redis never took with the same `DroppedEventsService`.
 */
@Module({
  imports: [RoutingModule, ConversationsModule],
  providers: [DroppedEventsService, SocketEmitterService, RealtimeFanoutService],
  exports: [DroppedEventsService],
})
export class RealtimeFanoutModule {}
