import type { Bot, BotRequest } from '@baton/contracts';
import { BotsErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import { ConfigService } from '../../config/config.service.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';

const include = { channels: { select: { id: true } } } as const;
type BotRow = Prisma.BotConfigGetPayload<{ include: typeof include }>;

function toBot(b: BotRow): Bot {
  return {
    id: b.id,
    name: b.name,
    engine: b.engine,
    systemPrompt: b.systemPrompt,
    allowedQueueIds: b.allowedQueueIds,
    confidenceThreshold: b.confidenceThreshold,
    maxUnhelpfulTurns: b.maxUnhelpfulTurns,
    model: b.model,
    enabled: b.enabled,
    channelIds: b.channels.map((c) => c.id),
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such bot.', 404);

/** Admin side of bots: engine, prompt, the queues they may hand off to, thresholds. */
@Injectable()
export class BotsAdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
  ) {}

  async list(): Promise<Bot[]> {
    return (await this.prisma.botConfig.findMany({ include, orderBy: { name: 'asc' } })).map(toBot);
  }

  async get(id: string): Promise<Bot> {
    const bot = await this.prisma.botConfig.findUnique({ where: { id }, include });
    if (!bot) throw notFound();
    return toBot(bot);
  }

  private async check(tx: Tx, input: BotRequest, exceptId?: string): Promise<void> {
    if (input.engine === 'llm' && !this.config.env.OPENAI_API_KEY) {
      throw new DomainError(
        BotsErrorCode.LlmNotConfigured,
        'LLM bots need OPENAI_API_KEY (and OPENAI_BASE_URL for other providers) on the server; use the knowledge_base engine or configure a key.',
        400,
      );
    }
    const queues = await tx.queue.findMany({
      where: { id: { in: input.allowedQueueIds }, archivedAt: null },
      select: { id: true },
    });
    const missing = input.allowedQueueIds.filter((id) => !queues.some((q) => q.id === id));
    if (missing.length > 0) {
      throw new ValidationError([
        { path: 'allowedQueueIds', message: `unknown or archived queues: ${missing.join(', ')}` },
      ]);
    }
    const taken = await tx.botConfig.findFirst({
      where: {
        name: { equals: input.name, mode: 'insensitive' },
        ...(exceptId && { id: { not: exceptId } }),
      },
    });
    if (taken) throw new DomainError(BotsErrorCode.NameTaken, 'A bot with this name already exists.', 409);
  }

  async create(input: BotRequest): Promise<Bot> {
    return toBot(
      await this.prisma.$transaction(async (tx) => {
        await this.check(tx, input);
        const bot = await tx.botConfig.create({ data: input, include });
        await this.audit.record(tx, {
          action: 'bot.created',
          target: { type: 'bot', id: bot.id },
          data: { name: bot.name, engine: bot.engine, allowedQueueIds: bot.allowedQueueIds },
        });
        return bot;
      }),
    );
  }

  async update(id: string, input: BotRequest): Promise<Bot> {
    return toBot(
      await this.prisma.$transaction(async (tx) => {
        const before = await tx.botConfig.findUnique({ where: { id } });
        if (!before) throw notFound();
        await this.check(tx, input, id);
        const bot = await tx.botConfig.update({ where: { id }, data: input, include });
        const changed = (Object.keys(input) as (keyof BotRequest)[]).filter(
          (key) => JSON.stringify(before[key]) !== JSON.stringify(input[key]),
        );
        await this.audit.record(tx, {
          action: 'bot.updated',
          target: { type: 'bot', id },
          data: { changed },
        });
        return bot;
      }),
    );
  }

  /** Channels using the bot fall back to handing every conversation straight to a queue. */
  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const bot = await tx.botConfig.findUnique({ where: { id }, include });
      if (!bot) throw notFound();
      await tx.botConfig.delete({ where: { id } });
      await this.audit.record(tx, {
        action: 'bot.deleted',
        target: { type: 'bot', id },
        data: { name: bot.name, channelIds: bot.channels.map((c) => c.id) },
      });
    });
  }
}
