import { defaultQueueIdOf } from '@baton/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import type { BotConfig, Channel, Conversation } from '../../generated/prisma/client.js';
import { LOGGER } from '../../logging/logging.module.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ConversationTransitions } from '../conversations/conversation-transitions.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import type { DomainEvent } from '../events/domain-events.service.js';
import {
  summarizeTranscript,
  type BotEngine,
  type BotTurnResult,
  type HandoffQueue,
  type TranscriptLine,
} from './bot-engine.js';
import { languageOf } from './customer-intent.js';
import { KnowledgeBaseBotEngine } from './engines/knowledge-base-bot.engine.js';
import { LlmBotEngine } from './engines/llm-bot.engine.js';

/** Messages a bot sees: enough for context, bounded so prompts stay small. */
const TRANSCRIPT_LINES = 30;

const FAILURE_NOTE = {
  en: 'Sorry, our assistant is having trouble right now. A person will take over; please stay with us.',
  es: 'Lo sentimos, nuestro asistente tiene problemas ahora mismo. Te atenderá una persona; no te vayas.',
} as const;
/** When nobody is configured to take over (a channel without a default queue): say so honestly. */
const UNAVAILABLE_NOTE = {
  en: 'Sorry, we cannot answer here right now. Please try again later or contact us another way.',
  es: 'Lo sentimos, ahora mismo no podemos responder por aquí. Inténtalo más tarde o contáctanos por otra vía.',
} as const;

export class BotTurnTimeoutError extends Error {
  constructor(ms: number) {
    super(`The bot did not answer within ${ms} ms`);
    this.name = 'BotTurnTimeoutError';
  }
}

type ConversationWithBot = Conversation & { channel: Channel & { botConfig: BotConfig | null } };

/**
 * Runs bot turns: picks the channel's bot and engine, gives it the transcript under a time limit, and
 * stores what it decided (a reply, a handoff) in one transaction on the locked conversation. When a
 * bot cannot answer, the conversation goes to a person with reason `bot_failure`.
 */
@Injectable()
export class BotTurnsService {
  private readonly engines: Record<BotConfig['engine'], BotEngine>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly conversations: ConversationsService,
    private readonly transitions: ConversationTransitions,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
    knowledgeBase: KnowledgeBaseBotEngine,
    llm: LlmBotEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.engines = { knowledge_base: knowledgeBase, llm };
  }

  /** Answers the customer message `seq` unless it is no longer the bot's to answer. */
  async answer(conversationId: string, seq: number): Promise<'answered' | 'handed_off' | 'skipped'> {
    const c = await this.prisma.conversation.findUnique({
      where: { id: conversationId },
      include: { channel: { include: { botConfig: true } } },
    });
    if (!c || c.status !== 'bot') return 'skipped';
    // A later customer message has its own turn, which sees this one too; a later bot message means
    // this turn already ran (a retry after a crash).
    const later = await this.prisma.message.findFirst({
      where: { conversationId, seq: { gt: seq }, authorKind: { in: ['customer', 'bot'] } },
      select: { id: true },
    });
    if (later) return 'skipped';

    const bot = c.channel.botConfig?.enabled ? c.channel.botConfig : null;
    const queues = await this.queuesFor(c, bot);
    if (!bot) {
      const queue = queues[0];
      if (!queue) throw new UnrecoverableError('The channel has neither a bot nor a default queue');
      const result: BotTurnResult = {
        reply: null,
        handoff: { reason: 'no_bot', queueId: queue.id, priority: 0, summary: null, intent: null },
        unhelpful: false,
        intent: null,
      };
      return this.apply(c, seq, null, result);
    }
    const transcript = await this.transcript(conversationId);
    const result = await this.withTimeout((signal) =>
      this.engines[bot.engine].turn({
        config: bot,
        transcript,
        queues,
        unhelpfulTurns: c.unhelpfulTurns,
        signal,
      }),
    );
    return this.apply(c, seq, bot, result);
  }

  /** The bot failed for good: the customer hears so, and the conversation goes to a person. */
  async handOffAfterFailure(conversationId: string, error: Error): Promise<void> {
    const c = await this.prisma.conversation.findUnique({
      where: { id: conversationId },
      include: { channel: { include: { botConfig: true } } },
    });
    if (!c || c.status !== 'bot') return;
    const bot = c.channel.botConfig?.enabled ? c.channel.botConfig : null;
    const [queue] = await this.queuesFor(c, bot);
    const transcript = await this.transcript(conversationId);
    const language = languageOf(transcript.map((line) => line.text).join(' '));
    await this.conversations.transition(conversationId, async (tx, locked) => {
      if (locked.status !== 'bot') return [];
      const note = (queue ? FAILURE_NOTE : UNAVAILABLE_NOTE)[language];
      const produced = await this.transitions.postAutomated(tx, locked.id, note, 'system', {
        botId: bot?.id ?? null,
      });
      await this.audit.record(tx, {
        action: 'conversation.bot_failed',
        result: 'failed',
        actor: null,
        target: { type: 'conversation', id: conversationId },
        data: { botId: bot?.id ?? null, error: error.name, detail: error.message.slice(0, 200) },
      });
      if (!queue) return produced;
      const context = { source: 'bot', botId: bot?.id ?? null, engine: bot?.engine ?? null, language };
      const handoff = { queueId: queue.id, priority: 0, reason: 'bot_failure', intent: null, context };
      const summary = summarizeTranscript(transcript);
      return [...produced, ...(await this.transitions.handoff(tx, locked, { ...handoff, summary }, null))];
    });
    this.logger.warn({ conversationId, err: error }, 'bot failed; conversation handed off');
  }

  private async withTimeout<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.config.env.BOT_TURN_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Engines pass the signal to their calls; the race also ends an engine that ignores it.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new BotTurnTimeoutError(ms);
        controller.abort(error);
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([run(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async transcript(conversationId: string): Promise<TranscriptLine[]> {
    const rows = await this.prisma.message.findMany({
      where: { conversationId, internal: false },
      orderBy: { seq: 'desc' },
      take: TRANSCRIPT_LINES,
    });
    return rows.reverse().map((m) => ({ author: m.authorKind, text: m.body, at: m.createdAt.toISOString() }));
  }

  /**
   * Where this conversation may be handed off, default first: the bot's allowed queues, else the
   * channel's default queue. Never any other queue: a conversation only reaches agents its channel
   * was configured for.
   */
  private async queuesFor(c: ConversationWithBot, bot: BotConfig | null): Promise<HandoffQueue[]> {
    const defaultQueueId = defaultQueueIdOf(c.channel.config);
    const ids = [...(bot?.allowedQueueIds ?? []), ...(defaultQueueId ? [defaultQueueId] : [])];
    if (ids.length === 0) return [];
    const rows = await this.prisma.queue.findMany({
      where: { id: { in: ids }, archivedAt: null },
      select: { id: true, name: true },
    });
    return [...new Set(ids)].flatMap((id) => rows.filter((row) => row.id === id));
  }

  private async apply(
    c: ConversationWithBot,
    answeredSeq: number,
    bot: BotConfig | null,
    result: BotTurnResult,
  ): Promise<'answered' | 'handed_off' | 'skipped'> {
    const events = await this.conversations.transition(c.id, async (tx, locked) => {
      // An agent may have taken over, the customer may have written again (that message's turn
      // answers both), or this turn already ran (a retry) while the bot was thinking.
      if (locked.status !== 'bot' || (await this.anythingAfter(tx, c.id, answeredSeq))) return [];
      const events: DomainEvent[] = [];
      if (result.reply) {
        const botId = bot?.id ?? null;
        events.push(...(await this.transitions.postAutomated(tx, locked.id, result.reply, 'bot', { botId })));
      }
      if (result.unhelpful) {
        await this.transitions.countUnhelpfulTurn(tx, c.id);
      }
      if (!result.handoff) return events;
      const { queueId, priority, reason, summary, intent } = result.handoff;
      const context = { source: 'bot', botId: bot?.id ?? null, engine: bot?.engine ?? null };
      const handoff = { queueId, priority, reason, summary, intent: intent ?? result.intent, context };
      return [...events, ...(await this.transitions.handoff(tx, locked, handoff, null))];
    });
    if (events.some((event) => event.type === 'conversation.handed_off')) return 'handed_off';
    return events.length > 0 ? 'answered' : 'skipped';
  }

  private async anythingAfter(tx: Tx, conversationId: string, seq: number): Promise<boolean> {
    const row = await tx.message.findFirst({
      where: { conversationId, seq: { gt: seq }, authorKind: { in: ['customer', 'bot', 'system'] } },
      select: { id: true },
    });
    return row !== null;
  }
}
