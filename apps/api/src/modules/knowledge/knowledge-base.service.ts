import { Injectable } from '@nestjs/common';
import type { KnowledgeArticle } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { KnowledgeIndex, type RankedArticle } from './knowledge-ranking.js';

const CACHE_MS = 5_000;

/** Searches the published knowledge articles (indexed in memory for a few seconds: bots ask on every turn). */
@Injectable()
export class KnowledgeBaseService {
  private cache: { at: number; version: string; index: KnowledgeIndex<KnowledgeArticle> } | null = null;

  constructor(private readonly prisma: PrismaService) {}

  /**
   * Rebuilding the index costs far more than a query (see bench/knowledge-search.ts), so after the
   * cache time only a count and the newest change are read, and the index is rebuilt when they moved.
   */
  private async index(): Promise<KnowledgeIndex<KnowledgeArticle>> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.index;
    const [stamp] = await this.prisma.$queryRaw<{ n: bigint; latest: Date | null }[]>`
      SELECT count(*) AS n, max(updated_at) AS latest FROM knowledge_articles WHERE published`;
    const version = `${stamp?.n ?? 0}:${stamp?.latest?.toISOString() ?? ''}`;
    if (this.cache?.version === version) {
      this.cache.at = Date.now();
      return this.cache.index;
    }
    const articles = await this.prisma.knowledgeArticle.findMany({ where: { published: true } });
    this.cache = { at: Date.now(), version, index: new KnowledgeIndex(articles) };
    return this.cache.index;
  }

  /** Forgets the cached articles (after an admin change in this process). */
  invalidate(): void {
    this.cache = null;
  }

  async search(query: string, limit = 3): Promise<RankedArticle<KnowledgeArticle>[]> {
    return (await this.index()).search(query, limit);
  }
}
