import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import { LOGGER } from '../../logging/logging.module.js';
import { BotDispatcherService } from './bot-dispatcher.service.js';

/** Runs in the worker every RECOVERY_SWEEP_SECONDS: no customer message waits on a lost bot turn. */
@Injectable()
export class BotTurnsRecoveryLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dispatcher: BotDispatcherService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.env.RECOVERY_SWEEP_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => {
      this.running = this.dispatcher
        .recoverStuckTurns()
        .then((queued) => queued > 0 && this.logger.warn({ queued }, 'bot turns re-queued after being lost'))
        .catch((err: unknown) => this.logger.error({ err }, 'bot turn recovery failed'));
    }, seconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
