import { Permission } from '@baton/authz';
import {
  ZKnowledgeArticleRequest,
  ZKnowledgeSearchQuery,
  type KnowledgeArticle,
  type KnowledgeArticleRequest,
  type KnowledgeSearchHit,
  type KnowledgeSearchQuery,
} from '@baton/contracts';
import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody, ZodQuery } from '../../common/http/zod-params.js';
import { KnowledgeService } from './knowledge.service.js';

@ApiTags('knowledge')
@Controller('v1/knowledge/articles')
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Get()
  @RequirePermission(Permission.KnowledgeManage)
  list(): Promise<KnowledgeArticle[]> {
    return this.knowledge.list();
  }

  /** Try a question: the articles a bot would find, and how confident it would be. */
  @Get('search')
  @RequirePermission(Permission.KnowledgeManage)
  search(@ZodQuery(ZKnowledgeSearchQuery) query: KnowledgeSearchQuery): Promise<KnowledgeSearchHit[]> {
    return this.knowledge.search(query.q);
  }

  @Get(':id')
  @RequirePermission(Permission.KnowledgeManage)
  get(@UuidParam() id: string): Promise<KnowledgeArticle> {
    return this.knowledge.get(id);
  }

  @Post()
  @RequirePermission(Permission.KnowledgeManage)
  create(@ZodBody(ZKnowledgeArticleRequest) body: KnowledgeArticleRequest): Promise<KnowledgeArticle> {
    return this.knowledge.create(body);
  }

  @Put(':id')
  @RequirePermission(Permission.KnowledgeManage)
  update(
    @UuidParam() id: string,
    @ZodBody(ZKnowledgeArticleRequest) body: KnowledgeArticleRequest,
  ): Promise<KnowledgeArticle> {
    return this.knowledge.update(id, body);
  }

  @Delete(':id')
  @RequirePermission(Permission.KnowledgeManage)
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.knowledge.remove(id);
  }
}
