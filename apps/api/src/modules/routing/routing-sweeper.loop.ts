import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { IntervalLoop } from '../../jobs/interval-loop.js';
import { LOGGER } from '../../logging/logging.module.js';
import { RoutingEngine } from './routing.engine.js';

/**
 * Runs in the worker. Routing is event-driven; this sweep only catches what an event could not
 * (an instance that died between commit and routing, an agent freed by a direct database change).
 */
@Injectable()
export class RoutingSweeperLoop extends IntervalLoop {
  constructor(
    private readonly routing: RoutingEngine,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'routing sweep', 5_000);
  }

  protected async tick(): Promise<void> {
    const assigned = await this.routing.route();
    if (assigned > 0) this.logger.info({ assigned }, 'routing sweep assigned conversations');
  }
}
