import type { BotEngineKind } from '@baton/contracts';

export const ENGINES: Record<BotEngineKind, { label: string; hint: string }> = {
  knowledge_base: {
    label: 'Knowledge base',
    hint: 'Answers with the best-matching published article. Predictable, needs no external service.',
  },
  llm: {
    label: 'LLM',
    hint: 'A language model writes answers from your articles and its instructions. Needs OPENAI_API_KEY on the server.',
  },
};
