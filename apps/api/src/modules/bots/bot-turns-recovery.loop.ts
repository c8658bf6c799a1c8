import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import { IntervalLoop } from '../../jobs/interval-loop.js';
import { LOGGER } from '../../logging/logging.module.js';
import { BotDispatcherService } from './bot-dispatcher.service.js';

/** Runs in the worker every RECOVERY_SWEEP_SECONDS: no customer message waits on a lost bot turn. */
@Injectable()
export class BotTurnsRecoveryLoop extends IntervalLoop {
  constructor(
    private readonly dispatcher: BotDispatcherService,
    config: ConfigService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'bot turn recovery', config.env.RECOVERY_SWEEP_SECONDS * 1000);
  }

  protected async tick(): Promise<void> {
    const queued = await this.dispatcher.recoverStuckTurns();
    if (queued > 0) this.logger.warn({ queued }, 'bot turns re-queued after being lost');
  }
}
