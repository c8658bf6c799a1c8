import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { RealtimeFanoutService } from './realtime-fanout.service.js';
import { SocketEmitterService } from './socket-emitter.service.js';

/** Socket fan-out of domain events; imported by the API and by the worker. */
@Module({
  imports: [RoutingModule, ConversationsModule],
  providers: [SocketEmitterService, RealtimeFanoutService],
})
export class RealtimeFanoutModule {}
