/**
 * BM25 ranking of knowledge articles against a customer message, with a confidence in [0, 1]: the
 * share of the message's informative words (weighted by rarity) that the best article contains.
 * English and Spanish stop words are ignored and accents folded, so "contraseña" finds "contrasena".
 */

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can could do does for from have how i if in is it its me my of on or our ' +
    'please so that the their there this to was we what when where which who why will with would you your ' +
    'hi hello hey thanks thank ok okay want need help get got im dont cant ' +
    'el la los las un una unos unas y o de del al en con por para como que qué es son mi mis tu su sus me ' +
    'se lo le les ya no si hola gracias quiero necesito puedo puede hacer tengo ayuda favor'
  )
    .split(' ')
    .map(fold),
);

/** Lower case without accents: "Contraseña" and "contrasena" compare equal. */
export function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Lower-cased, accent-folded words, stop words dropped, plural -s stripped. */
export function tokenize(text: string): string[] {
  return (fold(text).match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

export interface RankableArticle {
  id: string;
  title: string;
  body: string;
  tags: string[];
}

export interface RankedArticle<A extends RankableArticle> {
  article: A;
  score: number;
  /** Share of the query's informative weight found in this article, 0..1. */
  confidence: number;
}

const K1 = 1.2;
const B = 0.75;

interface IndexedDoc<A> {
  article: A;
  tf: Map<string, number>;
  length: number;
}

/**
 * The articles tokenized once, with a posting list per word: a query then only scores the articles
 * that contain one of its words, instead of re-reading every article each time.
 */
export class KnowledgeIndex<A extends RankableArticle> {
  private readonly docs: IndexedDoc<A>[];
  private readonly postings = new Map<string, number[]>();
  private readonly avgLength: number;

  constructor(articles: readonly A[]) {
    this.docs = articles.map((article, i) => {
      // Title and tags count twice: they say what an article is about.
      const words = [
        ...tokenize(article.title),
        ...tokenize(article.title),
        ...tokenize(article.body),
        ...article.tags.flatMap((tag) => [...tokenize(tag), ...tokenize(tag)]),
      ];
      const tf = new Map<string, number>();
      for (const word of words) tf.set(word, (tf.get(word) ?? 0) + 1);
      for (const word of tf.keys()) {
        const list = this.postings.get(word);
        if (list) list.push(i);
        else this.postings.set(word, [i]);
      }
      return { article, tf, length: words.length };
    });
    this.avgLength = this.docs.reduce((sum, d) => sum + d.length, 0) / this.docs.length || 1;
  }

  search(query: string, limit = 3): RankedArticle<A>[] {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.length;
    if (terms.length === 0 || n === 0) return [];
    const idf = new Map(
      terms.map((term) => {
        const containing = this.postings.get(term)?.length ?? 0;
        return [term, Math.log(1 + (n - containing + 0.5) / (containing + 0.5))];
      }),
    );
    const totalWeight = terms.reduce((sum, term) => sum + idf.get(term)!, 0);
    const scored = new Map<number, { score: number; matchedWeight: number }>();
    for (const term of terms) {
      for (const i of this.postings.get(term) ?? []) {
        const { tf, length } = this.docs[i]!;
        const f = tf.get(term)!;
        const entry = scored.get(i) ?? { score: 0, matchedWeight: 0 };
        entry.score += (idf.get(term)! * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * length) / this.avgLength));
        entry.matchedWeight += idf.get(term)!;
        scored.set(i, entry);
      }
    }
    return [...scored]
      .map(([i, { score, matchedWeight }]) => ({
        article: this.docs[i]!.article,
        score,
        confidence: totalWeight > 0 ? matchedWeight / totalWeight : 0,
      }))
      .sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id))
      .slice(0, limit);
  }
}

/** One-off ranking (builds a throw-away index). */
export function rankArticles<A extends RankableArticle>(
  articles: readonly A[],
  query: string,
  limit = 3,
): RankedArticle<A>[] {
  return new KnowledgeIndex(articles).search(query, limit);
}
