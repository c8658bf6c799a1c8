import { BotsErrorCode } from '@baton/contracts';
import { Inject, Injectable } from '@nestjs/common';
import OpenAI, { APIError } from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigService } from '../../../config/config.service.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { KnowledgeBaseService } from '../../knowledge/knowledge-base.service.js';
import {
  summarizeTranscript,
  type BotEngine,
  type BotHandoff,
  type BotTurnInput,
  type BotTurnResult,
  type HandoffQueue,
  type TranscriptLine,
} from '../bot-engine.js';

/** Model calls per turn: enough for a search or two and an answer, bounded so a looping model cannot eat the budget. */
export const MAX_MODEL_ROUNDS = 4;
const SEARCH_RESULTS = 3;
const ARTICLE_BODY_CHARS = 1_200;
/** Older lines add cost and little value for a first-line bot. */
const TRANSCRIPT_LINES = 40;
const LINE_CHARS = 4_000;
const PRIORITY_MIN = 0;
const PRIORITY_MAX = 10;

export const LlmBotErrorCode = {
  NotConfigured: BotsErrorCode.LlmNotConfigured,
  NoQueue: BotsErrorCode.NoHandoffQueue,
  TimedOut: BotsErrorCode.LlmTimedOut,
  UpstreamFailed: BotsErrorCode.LlmUpstreamFailed,
} as const;
export type LlmBotErrorCode = (typeof LlmBotErrorCode)[keyof typeof LlmBotErrorCode];

/** Why a turn failed; `retryable` tells the job whether another attempt can succeed. */
export class LlmBotError extends Error {
  constructor(
    readonly code: LlmBotErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LlmBotError';
  }
}

const ZSearchArgs = z.object({
  query: z.string().trim().min(1).max(500).describe('What to look for, in the words an article would use.'),
});

const ZHandoffArgs = z.object({
  queue: z.string().trim().max(200).optional().describe('Name of the queue to hand off to.'),
  reason: z.string().trim().min(1).max(500).describe('Why a person has to take over, in a few words.'),
  // Coerced: models sometimes send "3"; the range is clamped in code rather than rejected.
  priority: z.coerce
    .number()
    .optional()
    .describe(`Urgency from ${PRIORITY_MIN} (routine) to ${PRIORITY_MAX} (most urgent).`),
  summary: z
    .string()
    .trim()
    .max(2_000)
    .optional()
    .describe('What the customer needs and what was already tried, for the agent.'),
  intent: z.string().trim().max(200).optional().describe('What the customer wants, in a few words.'),
});
type HandoffArgs = z.infer<typeof ZHandoffArgs>;

function parametersOf(schema: z.ZodType): Record<string, unknown> {
  // `$schema` tells the model nothing; tool parameters stay a plain object schema.
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(schema, { io: 'input' });
  return parameters;
}

function tools(queues: HandoffQueue[]): ChatCompletionFunctionTool[] {
  return [
    {
      type: 'function',
      function: {
        name: 'search_knowledge_base',
        description:
          'Searches the published help articles. Returns the best matches with a confidence from 0 to 1; ' +
          'articles marked relevant: false probably do not answer the question.',
        parameters: parametersOf(ZSearchArgs),
      },
    },
    {
      type: 'function',
      function: {
        name: 'handoff_to_human',
        description:
          'Passes the conversation to a human agent and ends your part in it. ' +
          `Queues: ${queues.map((q) => JSON.stringify(q.name)).join(', ')}.`,
        parameters: parametersOf(ZHandoffArgs),
      },
    },
  ];
}

function systemMessage(input: BotTurnInput): string {
  const names = input.queues.map((q) => JSON.stringify(q.name));
  const rules = [
    'You are the first line of a customer support team; human agents take over when you hand off.',
    '- Answer from the knowledge base: call search_knowledge_base before answering a question about the ' +
      'product, orders or policies, and never make up facts, prices or procedures it does not contain.',
    '- Be brief and friendly: a few sentences, in the language the customer writes in.',
    '- Call handoff_to_human when the customer asks for a person, or when you cannot help (nothing relevant ' +
      'in the knowledge base, an account-specific request, a complaint). Say a one-line goodbye in the same message.',
    `- Queues you may hand off to: ${names.join(', ')}. When unsure, use ${names[0]}.`,
  ].join('\n');
  const own = input.config.systemPrompt.trim();
  return own ? `${own}\n\n${rules}` : rules;
}

/** Customer lines are the user; bot and agent lines are "our side". System lines are Baton bookkeeping, not conversation. */
function transcriptMessages(transcript: TranscriptLine[]): ChatCompletionMessageParam[] {
  return transcript
    .filter((line) => line.author !== 'system' && line.text.trim() !== '')
    .slice(-TRANSCRIPT_LINES)
    .map((line) => ({
      role: line.author === 'customer' ? ('user' as const) : ('assistant' as const),
      content: line.text.slice(0, LINE_CHARS),
    }));
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

/** By id or case-insensitive name; anything else goes to the default queue rather than failing the handoff. */
function resolveQueue(
  queues: HandoffQueue[],
  fallback: HandoffQueue,
  wanted: string | undefined,
): HandoffQueue {
  const key = wanted?.trim().toLowerCase();
  const match = key
    ? queues.find((q) => q.id.toLowerCase() === key || q.name.toLowerCase() === key)
    : undefined;
  return match ?? fallback;
}

function clampPriority(priority: number | undefined): number {
  if (priority === undefined || !Number.isFinite(priority)) return PRIORITY_MIN;
  return Math.min(PRIORITY_MAX, Math.max(PRIORITY_MIN, Math.round(priority)));
}

/** The model's own intent, else the first sentence of what it said about the handoff. */
function intentOf(args: HandoffArgs): string {
  if (args.intent) return args.intent;
  const source = args.summary || args.reason;
  return clip(source.split(/(?<=[.!?])\s/)[0] ?? source, 120);
}

function replyOf(message: ChatCompletionMessage): string | null {
  return message.content?.trim() || null;
}

type ToolOutcome = { result: unknown } | { handoff: BotHandoff };

/**
 * The LLM bot: any OpenAI-compatible chat-completions server with two tools, search_knowledge_base
 * and handoff_to_human. Failures are thrown as {@link LlmBotError}; the job around the turn retries
 * or hands the conversation to a person.
 */
@Injectable()
export class LlmBotEngine implements BotEngine {
  readonly kind = 'llm' as const;
  /** One client per process (this engine is a singleton), so connections are reused across turns. */
  private readonly client: OpenAI | null;

  constructor(
    private readonly config: ConfigService,
    private readonly knowledge: KnowledgeBaseService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const env = config.env;
    const sdkLog = (message: string) => this.logger.warn({ component: 'openai' }, message);
    this.client = env.OPENAI_API_KEY
      ? new OpenAI({
          apiKey: env.OPENAI_API_KEY,
          // Explicit nulls: only validated config decides where requests go, never stray OPENAI_* variables.
          baseURL: env.OPENAI_BASE_URL ?? null,
          organization: null,
          project: null,
          adminAPIKey: null,
          timeout: env.BOT_TURN_TIMEOUT_MS,
          // The BullMQ job retries the whole turn; SDK retries would overrun the turn's time budget.
          maxRetries: 0,
          // The SDK's debug output contains whole prompts.
          logLevel: 'warn',
          logger: { error: sdkLog, warn: sdkLog, info: () => undefined, debug: () => undefined },
        })
      : null;
  }

  async turn(input: BotTurnInput): Promise<BotTurnResult> {
    if (!this.client)
      throw new LlmBotError(
        LlmBotErrorCode.NotConfigured,
        'The LLM bot needs OPENAI_API_KEY; set it or configure the bot with the knowledge-base engine.',
        false,
      );
    const [defaultQueue] = input.queues;
    if (!defaultQueue)
      throw new LlmBotError(LlmBotErrorCode.NoQueue, 'The bot has no queue to hand off to.', false);
    const model = input.config.model?.trim() || this.config.env.OPENAI_MODEL;
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: systemMessage(input) },
      ...transcriptMessages(input.transcript),
    ];
    const toolList = tools(input.queues);

    for (let round = 1; round <= MAX_MODEL_ROUNDS; round++) {
      const message = await this.complete(this.client, input, model, messages, toolList, round);
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) {
        const reply = replyOf(message);
        if (reply) return { reply, handoff: null, unhelpful: false, intent: null };
        return this.failed(input, defaultQueue, 'The model returned an empty answer.');
      }
      // Only request fields: the response message also carries response-only extras (annotations).
      messages.push({ role: 'assistant', content: message.content, tool_calls: calls });
      for (const call of calls) {
        const outcome = await this.runTool(call, input, defaultQueue);
        if ('handoff' in outcome)
          return {
            reply: replyOf(message),
            handoff: outcome.handoff,
            unhelpful: false,
            intent: outcome.handoff.intent,
          };
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(outcome.result) });
      }
      if (input.signal.aborted) throw this.timedOut(input.signal);
    }
    return this.failed(
      input,
      defaultQueue,
      `The model did not reach an answer within ${MAX_MODEL_ROUNDS} steps.`,
    );
  }

  private async complete(
    client: OpenAI,
    input: BotTurnInput,
    model: string,
    messages: ChatCompletionMessageParam[],
    toolList: ChatCompletionFunctionTool[],
    round: number,
  ): Promise<ChatCompletionMessage> {
    if (input.signal.aborted) throw this.timedOut(input.signal);
    let message: ChatCompletionMessage | undefined;
    try {
      const completion = await client.chat.completions.create(
        { model, messages, tools: toolList, tool_choice: 'auto' },
        { signal: input.signal },
      );
      const choice = completion.choices[0];
      message = choice?.message;
      this.logger.debug(
        {
          bot: input.config.id,
          model,
          round,
          finishReason: choice?.finish_reason,
          toolCalls: message?.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : c.type)),
          usage: completion.usage,
        },
        'llm bot round',
      );
    } catch (error) {
      if (input.signal.aborted) throw this.timedOut(input.signal, error);
      if (error instanceof APIError) {
        // No status: the connection failed or timed out. 408/409/429/5xx are worth another attempt.
        const status = error.status;
        const retryable = status === undefined || [408, 409, 429].includes(status) || status >= 500;
        throw new LlmBotError(
          LlmBotErrorCode.UpstreamFailed,
          `The model server failed${status ? ` with HTTP ${status}` : ''}: ${error.message}`,
          retryable,
          { cause: error },
        );
      }
      throw error;
    }
    if (!message)
      throw new LlmBotError(LlmBotErrorCode.UpstreamFailed, 'The model server returned no choices.', true);
    return message;
  }

  private async runTool(
    call: ChatCompletionMessageToolCall,
    input: BotTurnInput,
    defaultQueue: HandoffQueue,
  ): Promise<ToolOutcome> {
    if (call.type !== 'function') return { result: { error: `Unknown tool type "${call.type}".` } };
    const { name } = call.function;
    let raw: unknown;
    try {
      raw = JSON.parse(call.function.arguments || '{}');
    } catch {
      this.logger.warn({ bot: input.config.id, tool: name }, 'llm bot sent tool arguments that are not JSON');
      return {
        result: { error: 'The arguments were not valid JSON. Call the tool again with a JSON object.' },
      };
    }
    const invalid = (error: z.ZodError) => {
      this.logger.warn(
        { bot: input.config.id, tool: name, issues: error.issues.map((i) => i.path.join('.') || i.code) },
        'llm bot sent invalid tool arguments',
      );
      return { result: { error: `Invalid arguments: ${z.prettifyError(error)}` } };
    };

    switch (name) {
      case 'search_knowledge_base': {
        const args = ZSearchArgs.safeParse(raw);
        if (!args.success) return invalid(args.error);
        const found = await this.knowledge.search(args.data.query, SEARCH_RESULTS);
        const threshold = input.config.confidenceThreshold;
        return {
          result: {
            articles: found.map(({ article, confidence }) => ({
              title: article.title,
              body: clip(article.body, ARTICLE_BODY_CHARS),
              confidence: Math.round(confidence * 100) / 100,
              relevant: confidence >= threshold,
            })),
          },
        };
      }
      case 'handoff_to_human': {
        const args = ZHandoffArgs.safeParse(raw);
        if (!args.success) return invalid(args.error);
        return {
          handoff: {
            reason: args.data.reason,
            queueId: resolveQueue(input.queues, defaultQueue, args.data.queue).id,
            priority: clampPriority(args.data.priority),
            summary: args.data.summary || null,
            intent: intentOf(args.data),
          },
        };
      }
      default:
        return {
          result: { error: `Unknown tool "${name}". Use search_knowledge_base or handoff_to_human.` },
        };
    }
  }

  /**
   * The model misbehaved (no answer, endless tool calls): a person takes over at once, since a retry
   * would likely repeat it. The agent gets the customer's words, like any other bot failure.
   */
  private failed(input: BotTurnInput, defaultQueue: HandoffQueue, problem: string): BotTurnResult {
    this.logger.warn({ bot: input.config.id }, `llm bot handed off: ${problem}`);
    return {
      reply: null,
      handoff: {
        reason: 'bot_failure',
        queueId: defaultQueue.id,
        priority: 0,
        summary: summarizeTranscript(input.transcript),
        intent: null,
      },
      unhelpful: false,
      intent: null,
    };
  }

  private timedOut(signal: AbortSignal, cause?: unknown): LlmBotError {
    return new LlmBotError(
      LlmBotErrorCode.TimedOut,
      'The model did not answer within the bot turn’s time budget.',
      true,
      { cause: cause ?? signal.reason },
    );
  }
}
