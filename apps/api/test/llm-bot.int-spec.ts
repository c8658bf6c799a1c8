import { Test, type TestingModule } from '@nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigModule } from '../src/config/config.module.js';
import type { BotConfig } from '../src/generated/prisma/client.js';
import { LoggingModule } from '../src/logging/logging.module.js';
import type { BotTurnInput, HandoffQueue, TranscriptLine } from '../src/modules/bots/bot-engine.js';
import {
  LlmBotEngine,
  LlmBotErrorCode,
  MAX_MODEL_ROUNDS,
} from '../src/modules/bots/engines/llm-bot.engine.js';
import { KnowledgeBaseService } from '../src/modules/knowledge/knowledge-base.service.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import {
  scripted,
  startFakeOpenAi,
  textCompletion,
  toolCallCompletion,
  type FakeOpenAi,
} from './support/fake-openai.js';
import { capturingLogger, testEnv } from './support/test-env.js';
import { eventually } from './support/api.js';

const API_KEY = `sk-test-${randomBytes(12).toString('hex')}`;
// A word no other test's article contains, so the ranking over the shared database finds ours first.
const MARKER = `zq${randomBytes(5).toString('hex')}`;
const SYSTEM_PROMPT = `You are Pip, the helper of Acme Rockets (${MARKER}).`;

const general: HandoffQueue = { id: randomUUID(), name: 'General' };
const billing: HandoffQueue = { id: randomUUID(), name: 'Billing' };
const QUEUES = [general, billing];

function botConfig(overrides: Partial<BotConfig> = {}): BotConfig {
  return {
    id: randomUUID(),
    name: `llm-bot-${MARKER}`,
    engine: 'llm',
    systemPrompt: SYSTEM_PROMPT,
    allowedQueueIds: QUEUES.map((q) => q.id),
    confidenceThreshold: 0.35,
    maxUnhelpfulTurns: 2,
    model: null,
    enabled: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

function line(author: TranscriptLine['author'], text: string): TranscriptLine {
  return { author, text, at: new Date().toISOString() };
}

function turnInput(overrides: Partial<BotTurnInput> = {}): BotTurnInput {
  return {
    config: botConfig(),
    transcript: [line('customer', 'Hello, how long do rocket deliveries take?')],
    queues: QUEUES,
    unhelpfulTurns: 0,
    signal: AbortSignal.timeout(10_000),
    ...overrides,
  };
}

function toolMessages(index: number, fake: FakeOpenAi): ChatCompletionToolMessageParam[] {
  return fake.requests[index]!.body.messages.filter(
    (m): m is ChatCompletionToolMessageParam => m.role === 'tool',
  );
}

describe('LLM bot engine against an OpenAI-compatible server', () => {
  const log = capturingLogger('debug');
  let fake: FakeOpenAi;
  let moduleRef: TestingModule;
  let engine: LlmBotEngine;
  let prisma: PrismaService;
  const articleIds: string[] = [];
  const longBody = `Refunds for ${MARKER} orders are accepted within 30 days of delivery. ${'Keep the packaging and the receipt. '.repeat(100)}`;

  function engineModule(env: NodeJS.ProcessEnv): Promise<TestingModule> {
    return Test.createTestingModule({
      imports: [ConfigModule.forRoot(testEnv(env)), LoggingModule.forRoot(log.logger)],
      providers: [PrismaService, KnowledgeBaseService, LlmBotEngine],
    }).compile();
  }

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    moduleRef = await engineModule({
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'env-default-model',
    });
    engine = moduleRef.get(LlmBotEngine);
    prisma = moduleRef.get(PrismaService);
    const published = await prisma.knowledgeArticle.create({
      data: { title: `${MARKER} refund policy`, body: longBody, tags: ['refunds'] },
    });
    const draft = await prisma.knowledgeArticle.create({
      data: { title: `${MARKER} refund draft`, body: `Unreleased ${MARKER} refund rules.`, published: false },
    });
    articleIds.push(published.id, draft.id);
  });

  afterAll(async () => {
    await prisma?.knowledgeArticle.deleteMany({ where: { id: { in: articleIds } } });
    await moduleRef?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  it('answers in plain text with one request to the configured server, model and key', async () => {
    fake.setResponder(scripted(textCompletion('Deliveries take 3 to 5 working days.')));

    const result = await engine.turn(turnInput());

    expect(result).toEqual({
      reply: 'Deliveries take 3 to 5 working days.',
      handoff: null,
      unhelpful: false,
      intent: null,
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body.model).toBe('env-default-model');
    expect(request!.body.stream).toBeFalsy();
    expect(request!.body.tools?.map((t) => (t.type === 'function' ? t.function.name : t.type))).toEqual([
      'search_knowledge_base',
      'handoff_to_human',
    ]);
  });

  it('sends the bot’s system prompt, the allowed queue names and the transcript as chat roles', async () => {
    fake.setResponder(scripted(textCompletion('Yes, we ship to Mars.')));

    await engine.turn(
      turnInput({
        config: botConfig({ model: 'bot-specific-model' }),
        transcript: [
          line('customer', 'Hi'),
          line('bot', 'Hello! How can I help?'),
          line('system', 'Conversation handed off to General'),
          line('agent', 'I am handing you back to our assistant.'),
          line('customer', 'Do you ship to Mars?'),
        ],
      }),
    );

    const { body } = fake.requests[0]!;
    expect(body.model).toBe('bot-specific-model');
    const [system, ...rest] = body.messages;
    expect(system!.role).toBe('system');
    expect(system!.content).toContain(SYSTEM_PROMPT);
    expect(system!.content).toContain('"General"');
    expect(system!.content).toContain('"Billing"');
    expect(system!.content).toContain('handoff_to_human');
    expect(rest.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Hello! How can I help?'],
      ['assistant', 'I am handing you back to our assistant.'],
      ['user', 'Do you ship to Mars?'],
    ]);
  });

  it('runs search_knowledge_base against the published articles and sends the result back to the model', async () => {
    fake.setResponder(
      scripted(
        toolCallCompletion([
          { id: 'call_kb1', name: 'search_knowledge_base', arguments: { query: `${MARKER} refund` } },
        ]),
        textCompletion('You can return it within 30 days of delivery.'),
      ),
    );

    const result = await engine.turn(turnInput({ transcript: [line('customer', 'Can I get a refund?')] }));

    expect(result.reply).toBe('You can return it within 30 days of delivery.');
    expect(result.handoff).toBeNull();
    expect(fake.requests).toHaveLength(2);
    const second = fake.requests[1]!.body.messages;
    const echoed = second.at(-2);
    expect(echoed?.role === 'assistant' && echoed.tool_calls?.[0]?.id).toBe('call_kb1');
    const [toolResult] = toolMessages(1, fake);
    expect(toolResult!.tool_call_id).toBe('call_kb1');
    const { articles } = JSON.parse(toolResult!.content as string) as {
      articles: { title: string; body: string; confidence: number; relevant: boolean }[];
    };
    // The unpublished draft matches the query too but must never reach the model. (Other test files'
    // articles share this database and may rank below ours: only ours are compared.)
    expect(articles[0]!.title).toBe(`${MARKER} refund policy`);
    expect(articles.filter((a) => a.title.includes(MARKER)).map((a) => a.title)).toEqual([
      `${MARKER} refund policy`,
    ]);
    expect(articles[0]!.body.startsWith(`Refunds for ${MARKER} orders are accepted within 30 days`)).toBe(
      true,
    );
    expect(articles[0]!.body.length).toBeLessThanOrEqual(1_200);
    expect(articles[0]!.body.length).toBeLessThan(longBody.length);
    expect(articles[0]!.confidence).toBeGreaterThan(0.35);
    expect(articles[0]!.confidence).toBeLessThanOrEqual(1);
    expect(articles[0]!.relevant).toBe(true);
  });

  it('hands off to the queue the model names (any case) with its priority, summary and goodbye line', async () => {
    fake.setResponder(
      scripted(
        toolCallCompletion(
          [
            {
              name: 'handoff_to_human',
              arguments: {
                queue: 'billing',
                reason: 'customer asked for a person',
                priority: 7,
                summary: 'Wants a refund for order 1234 and asked for a person.',
                intent: 'refund',
              },
            },
          ],
          'I am passing you to our billing team now.',
        ),
      ),
    );

    const result = await engine.turn(turnInput({ transcript: [line('customer', 'Let me talk to a human')] }));

    expect(result).toEqual({
      reply: 'I am passing you to our billing team now.',
      handoff: {
        reason: 'customer asked for a person',
        queueId: billing.id,
        priority: 7,
        summary: 'Wants a refund for order 1234 and asked for a person.',
        intent: 'refund',
      },
      unhelpful: false,
      intent: 'refund',
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('falls back to the default queue for an unknown queue, clamps the priority and derives the intent', async () => {
    fake.setResponder(
      scripted(
        toolCallCompletion([
          {
            name: 'handoff_to_human',
            arguments: {
              queue: 'Rocket Repairs',
              reason: 'not covered by the knowledge base',
              priority: 99,
              summary: 'Engine makes a noise after launch. Needs a technician.',
            },
          },
        ]),
      ),
    );

    const result = await engine.turn(turnInput());

    expect(result.reply).toBeNull();
    expect(result.handoff).toEqual({
      reason: 'not covered by the knowledge base',
      queueId: general.id,
      priority: 10,
      summary: 'Engine makes a noise after launch. Needs a technician.',
      intent: 'Engine makes a noise after launch.',
    });
    expect(result.intent).toBe('Engine makes a noise after launch.');
  });

  it('answers a malformed tool call with an error result so the model can correct itself', async () => {
    fake.setResponder(
      scripted(
        toolCallCompletion([
          { id: 'call_bad_json', name: 'handoff_to_human', arguments: '{"queue": "Billing", ' },
        ]),
        toolCallCompletion([
          { id: 'call_no_reason', name: 'handoff_to_human', arguments: { queue: billing.id } },
        ]),
        toolCallCompletion([
          {
            name: 'handoff_to_human',
            arguments: { queue: billing.id, reason: 'wants a person', priority: -3 },
          },
        ]),
      ),
    );

    const result = await engine.turn(turnInput());

    expect(fake.requests).toHaveLength(3);
    expect(toolMessages(1, fake)).toEqual([
      { role: 'tool', tool_call_id: 'call_bad_json', content: expect.stringMatching(/not valid JSON/) },
    ]);
    expect(toolMessages(2, fake)[1]).toEqual({
      role: 'tool',
      tool_call_id: 'call_no_reason',
      content: expect.stringMatching(/reason/),
    });
    // The queue may also be given by id.
    expect(result.handoff).toEqual({
      reason: 'wants a person',
      queueId: billing.id,
      priority: 0,
      summary: null,
      intent: 'wants a person',
    });
  });

  it(`hands off as a bot failure when the model is still calling tools after ${MAX_MODEL_ROUNDS} rounds`, async () => {
    fake.setResponder(() =>
      toolCallCompletion([{ name: 'search_knowledge_base', arguments: { query: `${MARKER} refund` } }]),
    );

    const result = await engine.turn(turnInput());

    expect(fake.requests).toHaveLength(MAX_MODEL_ROUNDS);
    expect(result.reply).toBeNull();
    expect(result.handoff).toMatchObject({
      reason: 'bot_failure',
      queueId: general.id,
      summary: expect.stringContaining('how long do rocket deliveries take?'),
    });
  });

  it('rejects the turn when the server answers 500, without retrying inside the turn', async () => {
    fake.setResponder(() => ({ status: 500 }));

    await expect(engine.turn(turnInput())).rejects.toMatchObject({
      code: LlmBotErrorCode.UpstreamFailed,
      retryable: true,
      message: expect.stringContaining('HTTP 500'),
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('abandons a hung server as soon as the turn’s signal fires', async () => {
    fake.setResponder(() => 'hang');
    const started = Date.now();

    await expect(engine.turn(turnInput({ signal: AbortSignal.timeout(300) }))).rejects.toMatchObject({
      code: LlmBotErrorCode.TimedOut,
      retryable: true,
    });

    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    // The connection itself is closed, not just the promise given up on.
    expect(await eventually(() => fake.requests[0]?.abandoned, Boolean, 1_000)).toBe(true);
  });

  it('refuses to run without an API key and says so', async () => {
    const unconfigured = await engineModule({ OPENAI_BASE_URL: fake.baseUrl });
    try {
      await expect(unconfigured.get(LlmBotEngine).turn(turnInput())).rejects.toMatchObject({
        code: LlmBotErrorCode.NotConfigured,
        retryable: false,
        message: expect.stringContaining('OPENAI_API_KEY'),
      });
      expect(fake.requests).toHaveLength(0);
    } finally {
      await unconfigured.close();
    }
  });

  it('never logs the API key, and logs no prompt or transcript at info level or above', async () => {
    const secretQuestion = `My passport number is ${MARKER}-P123, can you check my order?`;
    fake.setResponder(
      scripted(
        toolCallCompletion([{ name: 'search_knowledge_base', arguments: { wrong: 'shape' } }]),
        textCompletion('Let me look into it.'),
      ),
    );

    await engine.turn(turnInput({ transcript: [line('customer', secretQuestion)] }));

    const lines = log.lines();
    expect(lines.some((l) => l.msg === 'llm bot round')).toBe(true);
    expect(lines.some((l) => l.msg === 'llm bot sent invalid tool arguments')).toBe(true);
    for (const entry of lines) {
      const text = JSON.stringify(entry);
      expect(text).not.toContain(API_KEY);
      if (entry.level !== 'debug' && entry.level !== 'trace') {
        expect(text).not.toContain(SYSTEM_PROMPT);
        expect(text).not.toContain(secretQuestion);
      }
    }
  });
});
