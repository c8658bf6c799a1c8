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
    if (event.type !== 'message.created' || event.message.authorKind !== 'customer') return;
    // On API channels the caller's own bot is the bot: Baton's never answers there.
    if (event.conversation.status !== 'bot' || event.conversation.channelKind === 'api') return;
    await this.enqueue({ conversationId: event.conversation.id, seq: event.message.seq });
  }

  /** `recovery` gives a lost turn a job id of its own (the first one may still exist, failed). */
  async enqueue(turn: BotTurn, recovery = false): Promise<void> {
    await this.jobs.queue(QueueName.Bots).add(BOT_TURN_JOB, turn, {
      jobId: `bot-turn-${turn.conversationId}-${turn.seq}${recovery ? '-recovery' : ''}`,
      attempts: this.config.env.BOT_TURN_ATTEMPTS,
      backoff: { type: 'exponential', delay: 500 },
    });
  }

  /**
   * Customer messages still waiting for the bot well past every attempt's time limit (their job was
   * lost: Redis down when the event fired, a worker killed mid-turn) get one more turn.
   */
  async recoverStuckTurns(): Promise<number> {
    const { BOT_TURN_TIMEOUT_MS, BOT_TURN_ATTEMPTS } = this.config.env;
    const graceMs = BOT_TURN_TIMEOUT_MS * BOT_TURN_ATTEMPTS + 30_000;
    const stuck = await this.prisma.$queryRaw<{ id: string; seq: number }[]>`
      SELECT c.id, m.seq
        FROM conversations c
        JOIN channels ch ON ch.id = c.channel_id AND ch.kind <> 'api'
        JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq AND m.author_kind = 'customer'
       WHERE c.status = 'bot' AND m.created_at < now() - make_interval(secs => ${graceMs / 1000})
         AND m.created_at > now() - interval '1 day'
       LIMIT 200`;
    for (const row of stuck) await this.enqueue({ conversationId: row.id, seq: row.seq }, true);
    return stuck.length;
  }
}
