import { Module } from '@nestjs/common';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';

@Module({ providers: [AgentsService], controllers: [AgentsController], exports: [AgentsService] })
export class AgentsModule {}
