import { Module } from '@nestjs/common';
import { QueuesController } from './queues.controller.js';
import { QueuesService } from './queues.service.js';

@Module({ providers: [QueuesService], controllers: [QueuesController], exports: [QueuesService] })
export class QueuesModule {}
