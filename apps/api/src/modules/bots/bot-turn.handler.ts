import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { JobHandler } from '../../jobs/job-handler.js';
import { QueueName } from '../../jobs/queue-names.js';
import { BotTurnsService } from './bot-turns.service.js';
import { LlmBotError } from './engines/llm-bot.engine.js';

export interface BotTurn {
  conversationId: string;
  /** The customer message to answer. */
  seq: number;
}

export const BOT_TURN_JOB = 'bot.turn';

/** One bot turn per customer message; retried on errors and timeouts, then handed to a person. */
@Injectable()
export class BotTurnHandler implements JobHandler<BotTurn, { outcome: string }> {
  readonly queue = QueueName.Bots;
  readonly jobName = BOT_TURN_JOB;

  constructor(private readonly turns: BotTurnsService) {}

  async handle(job: Job<BotTurn>): Promise<{ outcome: string }> {
    try {
      return { outcome: await this.turns.answer(job.data.conversationId, job.data.seq) };
    } catch (error) {
      // No point retrying what cannot succeed (no API key, a request the provider refuses): hand off now.
      if (error instanceof LlmBotError && !error.retryable) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  async failedForGood(job: Job<BotTurn>, error: Error): Promise<void> {
    await this.turns.handOffAfterFailure(job.data.conversationId, error);
  }
}
