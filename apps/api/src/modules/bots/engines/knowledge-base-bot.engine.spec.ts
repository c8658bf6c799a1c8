import { describe, expect, it } from 'vitest';
import type { BotConfig, KnowledgeArticle } from '../../../generated/prisma/client.js';
import type { KnowledgeBaseService } from '../../knowledge/knowledge-base.service.js';
import { KnowledgeIndex } from '../../knowledge/knowledge-ranking.js';
import type { BotTurnResult, TranscriptLine } from '../bot-engine.js';
import { KnowledgeBaseBotEngine } from './knowledge-base-bot.engine.js';

const articles = [
  {
    id: 'a',
    title: 'Reset your password',
    body: 'Open Settings, choose Security and press "Reset password". We email you a link.',
    tags: ['password_reset'],
  },
] as KnowledgeArticle[];

// The real ranking over fixed articles: only loading them from the database is left out.
const index = new KnowledgeIndex(articles);
const knowledge = { search: async (query: string, limit = 3) => index.search(query, limit) };
const engine = new KnowledgeBaseBotEngine(knowledge as unknown as KnowledgeBaseService);
const config = { confidenceThreshold: 0.5, maxUnhelpfulTurns: 2 } as BotConfig;

/** One turn after the customer said `said`, one line at a time (the bot's answers in between omitted). */
function turn(...said: string[]): Promise<BotTurnResult> {
  const transcript: TranscriptLine[] = said.map((text) => ({
    author: 'customer',
    text,
    at: new Date().toISOString(),
  }));
  return engine.turn({
    config,
    transcript,
    queues: [{ id: 'queue-1', name: 'Support' }],
    unhelpfulTurns: 0,
    signal: new AbortController().signal,
  });
}

describe('knowledge-base bot engine', () => {
  it('greets back and offers help instead of handing a greeting to a person', async () => {
    const reply = await turn('hi from my phone');
    expect(reply).toMatchObject({ handoff: null, unhelpful: false });
    expect(reply.reply).toMatch(/virtual assistant\. Ask me a question/);
    const es = await turn('hola, buenas tardes');
    expect(es).toMatchObject({ handoff: null });
    expect(es.reply).toMatch(/Soy el asistente virtual\. Hazme una pregunta/);
  });

  it('answers thanks and goodbyes in the language of the conversation, keeping it with the bot', async () => {
    expect(await turn('how do I reset my password?', 'thanks!')).toMatchObject({
      reply: expect.stringMatching(/welcome.*anything else/),
      handoff: null,
    });
    expect(await turn('hello', 'bye')).toMatchObject({
      reply: expect.stringMatching(/^Goodbye/),
      handoff: null,
    });
    expect(await turn('hola', 'muchas gracias')).toMatchObject({
      reply: expect.stringMatching(/^¡De nada!/),
      handoff: null,
    });
    expect(await turn('hola', 'adiós')).toMatchObject({
      reply: expect.stringMatching(/^¡Hasta pronto/),
      handoff: null,
    });
  });

  it('still answers questions, and hands off what it cannot answer', async () => {
    expect((await turn('hi, how do I reset my password?')).reply).toMatch(/^Reset your password/);
    const unsure = await turn('hi', 'my parrot ate the invoice');
    expect(unsure.handoff).toMatchObject({ reason: 'low_confidence', queueId: 'queue-1' });
  });
});
