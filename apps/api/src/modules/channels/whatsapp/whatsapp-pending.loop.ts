import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../../config/config.service.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { WhatsappOutboundService } from './whatsapp-outbound.service.js';

/**
 * Runs in the worker every RECOVERY_SWEEP_SECONDS. Delivery is event-driven; this sweep only catches replies whose job never made
 * it to Redis (Redis down when the event fired) or whose event never ran (a crash right after commit).
 */
@Injectable()
export class WhatsappPendingLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outbound: WhatsappOutboundService,
    private readonly config: ConfigService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.env.RECOVERY_SWEEP_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => {
      this.running = this.outbound
        .sweep()
        .catch((err: unknown) => this.logger.error({ err }, 'whatsapp pending sweep failed'));
    }, seconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
