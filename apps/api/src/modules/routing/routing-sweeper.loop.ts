import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { RoutingEngine } from './routing.engine.js';

const EVERY_MS = 5_000;

/**
 * Runs in the worker. Routing is event-driven; this sweep only catches what an event could not
 * (an instance that died between commit and routing, an agent freed by a direct database change).
 */
@Injectable()
export class RoutingSweeperLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly routing: RoutingEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.routing
        .route()
        .then(
          (assigned) =>
            assigned > 0 && this.logger.info({ assigned }, 'routing sweep assigned conversations'),
        )
        .catch((err: unknown) => this.logger.error({ err }, 'routing sweep failed'));
    }, EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
