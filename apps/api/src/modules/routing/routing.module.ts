import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RoutingEngine } from './routing.engine.js';

@Module({ imports: [ConversationsModule], providers: [RoutingEngine], exports: [RoutingEngine] })
export class RoutingModule {}
