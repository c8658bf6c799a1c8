/**
 * Knowledge-base search: what a bot turn pays to rank the articles against a customer message, with
 * the articles indexed once (`KnowledgeIndex`, what `KnowledgeBaseService` keeps for a few seconds)
 * against re-reading every article per question (`rankArticles` on the article list: the baseline).
 *
 *   npx tsx --conditions=@baton/source bench/knowledge-search.ts
 *
 * Env: BENCH_ARTICLES (2000), BENCH_QUERIES (500). Pure CPU: no database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KnowledgeIndex,
  rankArticles,
  type RankableArticle,
} from '../apps/api/src/modules/knowledge/knowledge-ranking.js';
import { positiveInt } from './bench-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ARTICLES = positiveInt('BENCH_ARTICLES', 2_000);
const QUERIES = positiveInt('BENCH_QUERIES', 500);

// Deterministic, so every run ranks the same corpus.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
// A Zipf-like vocabulary: a few words are everywhere, most are rare, as in real help articles.
const vocabulary = Array.from({ length: 5_000 }, (_, i) => `w${i.toString(36)}x`);
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
const words = (n: number) => Array.from({ length: n }, word).join(' ');

const articles: RankableArticle[] = Array.from({ length: ARTICLES }, (_, i) => ({
  id: String(i).padStart(6, '0'),
  title: words(6),
  body: words(150 + Math.floor(random() * 250)),
  tags: [word(), word()],
}));
const queries = Array.from({ length: QUERIES }, () => words(4 + Math.floor(random() * 8)));

function time<T>(run: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

// Warm-up, so both sides run JIT-compiled.
for (const q of queries.slice(0, 20)) rankArticles(articles, q);

const baseline = time(() => queries.map((q) => rankArticles(articles, q)));
const build = time(() => new KnowledgeIndex(articles));
const indexed = time(() => queries.map((q) => build.value.search(q)));

const same = baseline.value.every((ranked, i) =>
  ranked.every(
    (r, j) =>
      r.article.id === indexed.value[i]![j]?.article.id && r.confidence === indexed.value[i]![j]?.confidence,
  ),
);
if (!same) throw new Error('the index ranks differently from the baseline');

const results = {
  articles: ARTICLES,
  queries: QUERIES,
  baselineMsPerQuery: baseline.ms / QUERIES,
  indexBuildMs: build.ms,
  indexedMsPerQuery: indexed.ms / QUERIES,
  ratio: indexed.ms / baseline.ms,
};
const row = (name: string, value: string) => `| ${name.padEnd(40)} | ${value.padStart(12)} |`;
console.log(
  [
    row('measure', 'result'),
    `|${'-'.repeat(42)}|${'-'.repeat(14)}|`,
    row(`baseline: rank ${ARTICLES} articles per query`, `${results.baselineMsPerQuery.toFixed(2)} ms`),
    row('build the index once', `${results.indexBuildMs.toFixed(1)} ms`),
    row('indexed search per query', `${results.indexedMsPerQuery.toFixed(3)} ms`),
    row('indexed / baseline', results.ratio.toFixed(4)),
    row('same rankings', 'yes'),
  ].join('\n'),
);
const out = path.join(root, 'bench', 'results', 'knowledge-search.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results written to ${path.relative(root, out)}`);
