import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../../logging/logging.module.js';
import { WhatsappOutboundService } from './whatsapp-outbound.service.js';

const EVERY_MS = 5_000;

/**
 * Runs in the worker. Delivery is event-driven; this sweep only catches replies whose job never made
 * it to Redis (Redis down when the event fired) or whose event never ran (a crash right after commit).
 */
@Injectable()
export class WhatsappPendingLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outbound: WhatsappOutboundService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.outbound
        .sweep()
        .catch((err: unknown) => this.logger.error({ err }, 'whatsapp pending sweep failed'));
    }, EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
