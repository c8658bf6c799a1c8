import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { IntervalLoop } from '../../jobs/interval-loop.js';
import { LOGGER } from '../../logging/logging.module.js';
import { AgentsService } from './agents.service.js';

/** Runs in the worker: available agents idle past AGENT_AUTO_AWAY_MINUTES go away by themselves. */
@Injectable()
export class AgentIdleLoop extends IntervalLoop {
  constructor(
    private readonly agents: AgentsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'idle agent sweep', 30_000);
  }

  protected async tick(): Promise<void> {
    const idle = await this.agents.awayWhenIdle();
    if (idle.length > 0) this.logger.info({ agents: idle.length }, 'idle agents set away');
  }
}
