import type {
  KnowledgeArticle as ArticleDto,
  KnowledgeArticleRequest,
  KnowledgeSearchHit,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import type { KnowledgeArticle } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { KnowledgeBaseService } from './knowledge-base.service.js';

function toArticle(a: KnowledgeArticle): ArticleDto {
  return {
    id: a.id,
    title: a.title,
    body: a.body,
    tags: a.tags,
    published: a.published,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such article.', 404);

/** Admin side of the knowledge base the bots answer from. */
@Injectable()
export class KnowledgeService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly knowledgeBase: KnowledgeBaseService,
  ) {}

  async list(): Promise<ArticleDto[]> {
    return (await this.prisma.knowledgeArticle.findMany({ orderBy: { title: 'asc' } })).map(toArticle);
  }

  async get(id: string): Promise<ArticleDto> {
    const article = await this.prisma.knowledgeArticle.findUnique({ where: { id } });
    if (!article) throw notFound();
    return toArticle(article);
  }

  /** What a bot would find for this question, with its confidence: for tuning articles and thresholds. */
  async search(q: string): Promise<KnowledgeSearchHit[]> {
    return (await this.knowledgeBase.search(q, 5)).map((hit) => ({
      ...hit,
      article: toArticle(hit.article),
    }));
  }

  async create(input: KnowledgeArticleRequest): Promise<ArticleDto> {
    const article = await this.prisma.$transaction(async (tx) => {
      const created = await tx.knowledgeArticle.create({ data: input });
      await this.audit.record(tx, {
        action: 'knowledge_article.created',
        target: { type: 'knowledge_article', id: created.id },
        data: { title: created.title, published: created.published },
      });
      return created;
    });
    this.knowledgeBase.invalidate();
    return toArticle(article);
  }

  async update(id: string, input: KnowledgeArticleRequest): Promise<ArticleDto> {
    const article = await this.prisma.$transaction(async (tx) => {
      const before = await tx.knowledgeArticle.findUnique({ where: { id } });
      if (!before) throw notFound();
      const updated = await tx.knowledgeArticle.update({ where: { id }, data: input });
      const changed = (Object.keys(input) as (keyof KnowledgeArticleRequest)[]).filter(
        (key) => JSON.stringify(before[key]) !== JSON.stringify(input[key]),
      );
      await this.audit.record(tx, {
        action: 'knowledge_article.updated',
        target: { type: 'knowledge_article', id },
        data: { changed },
      });
      return updated;
    });
    this.knowledgeBase.invalidate();
    return toArticle(article);
  }

  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const article = await tx.knowledgeArticle.findUnique({ where: { id } });
      if (!article) throw notFound();
      await tx.knowledgeArticle.delete({ where: { id } });
      await this.audit.record(tx, {
        action: 'knowledge_article.deleted',
        target: { type: 'knowledge_article', id },
        data: { title: article.title },
      });
    });
    this.knowledgeBase.invalidate();
  }
}
