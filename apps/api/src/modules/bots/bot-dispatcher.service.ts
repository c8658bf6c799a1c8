import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../../config/config.service.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { DomainEventsService, type DomainEvent } from '../events/domain-events.service.js';
import { BOT_TURN_JOB, type BotTurn } from './bot-turn.handler.js';

/**
 * A customer message on a conversation still with the bot becomes a bot turn in the worker. Runs in
 * every process that stores customer messages (the widget gateway, channel webhooks, the handoff API).
 */
@Injectable()
export class BotDispatcherService implements OnModuleInit {
  constructor(
    private readonly events: DomainEventsService,
    private readonly prisma: PrismaService,
    private readonly jobs: JobsService,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.onEvent(event));
  }

  private async onEvent(event: DomainEvent): Promise<void> {
    if (event.type !== 'message.created' || event.authorKind !== 'customer') return;
    const c = await this.prisma.conversation.findUnique({
      where: { id: event.conversationId },
      select: { status: true },
    });
    if (c?.status !== 'bot') return;
    const turn: BotTurn = { conversationId: event.conversationId, seq: event.seq };
    await this.jobs.queue(QueueName.Bots).add(BOT_TURN_JOB, turn, {
      jobId: `bot-turn-${event.conversationId}-${event.seq}`,
      attempts: this.config.env.BOT_TURN_ATTEMPTS,
      backoff: { type: 'exponential', delay: 500 },
    });
  }
}
