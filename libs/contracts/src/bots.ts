import { z } from 'zod';
import { safeText } from './text.js';

const name = safeText().trim().min(1).max(100);

export const ZBotEngine = z.enum(['knowledge_base', 'llm']);
export type BotEngineKind = z.infer<typeof ZBotEngine>;

export const ZBotRequest = z.strictObject({
  name,
  /** `knowledge_base` needs nothing else; `llm` needs OPENAI_API_KEY on the server. */
  engine: ZBotEngine.prefault('knowledge_base'),
  /** The LLM bot's instructions (tone, scope, what never to promise). */
  systemPrompt: safeText().max(8_000).prefault(''),
  /** Queues the bot may hand off to; the first is its default. */
  allowedQueueIds: z.array(z.uuid()).max(20).prefault([]),
  /** Below this knowledge-base match (0..1) the bot hands off instead of answering. */
  confidenceThreshold: z.number().min(0).max(1).prefault(0.35),
  /** After the customer says this many answers did not help, the bot hands off. */
  maxUnhelpfulTurns: z.number().int().min(1).max(10).prefault(2),
  /** Overrides OPENAI_MODEL for this bot. */
  model: safeText().trim().min(1).max(100).nullable().prefault(null),
  enabled: z.boolean().prefault(true),
});
export type BotRequest = z.infer<typeof ZBotRequest>;

export const ZBot = z.object({
  id: z.uuid(),
  name: z.string(),
  engine: ZBotEngine,
  systemPrompt: z.string(),
  allowedQueueIds: z.array(z.uuid()),
  confidenceThreshold: z.number(),
  maxUnhelpfulTurns: z.number().int(),
  model: z.string().nullable(),
  enabled: z.boolean(),
  /** Channels this bot answers on. */
  channelIds: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Bot = z.infer<typeof ZBot>;

export const ZKnowledgeArticleRequest = z.strictObject({
  title: safeText().trim().min(1).max(200),
  body: safeText().trim().min(1).max(20_000),
  tags: z.array(safeText().trim().min(1).max(50)).max(20).prefault([]),
  /** Only published articles are searched by bots. */
  published: z.boolean().prefault(true),
});
export type KnowledgeArticleRequest = z.infer<typeof ZKnowledgeArticleRequest>;

export const ZKnowledgeArticle = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  published: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type KnowledgeArticle = z.infer<typeof ZKnowledgeArticle>;

export const ZKnowledgeSearchQuery = z.strictObject({ q: safeText().trim().min(1).max(500) });
export type KnowledgeSearchQuery = z.infer<typeof ZKnowledgeSearchQuery>;

export const ZKnowledgeSearchHit = z.object({
  article: ZKnowledgeArticle,
  score: z.number(),
  confidence: z.number(),
});
export type KnowledgeSearchHit = z.infer<typeof ZKnowledgeSearchHit>;
