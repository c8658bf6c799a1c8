import { Injectable } from '@nestjs/common';
import type { KnowledgeArticle } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { rankArticles, type RankedArticle } from './knowledge-ranking.js';

const CACHE_MS = 5_000;

/** Searches the published knowledge articles (kept in memory a few seconds: bots ask on every turn). */
@Injectable()
export class KnowledgeBaseService {
  private cache: { at: number; articles: KnowledgeArticle[] } | null = null;

  constructor(private readonly prisma: PrismaService) {}

  private async published(): Promise<KnowledgeArticle[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.articles;
    const articles = await this.prisma.knowledgeArticle.findMany({ where: { published: true } });
    this.cache = { at: Date.now(), articles };
    return articles;
  }

  /** Forgets the cached articles (after an admin change in this process). */
  invalidate(): void {
    this.cache = null;
  }

  async search(query: string, limit = 3): Promise<RankedArticle<KnowledgeArticle>[]> {
    return rankArticles(await this.published(), query, limit);
  }
}
