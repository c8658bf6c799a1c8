import { Module } from '@nestjs/common';
import { KnowledgeBaseService } from './knowledge-base.service.js';
import { KnowledgeController } from './knowledge.controller.js';
import { KnowledgeService } from './knowledge.service.js';

@Module({
  providers: [KnowledgeBaseService, KnowledgeService],
  controllers: [KnowledgeController],
  exports: [KnowledgeBaseService],
})
export class KnowledgeModule {}
