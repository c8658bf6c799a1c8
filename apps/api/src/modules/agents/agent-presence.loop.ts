import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import { IntervalLoop } from '../../jobs/interval-loop.js';
import { LOGGER } from '../../logging/logging.module.js';
import { AgentConnectionsService } from './agent-connections.service.js';
import { AgentsService } from './agents.service.js';

/**
 * Runs in the worker every RECOVERY_SWEEP_SECONDS: an agent online (or holding conversations) in
 * PostgreSQL whose sockets are gone from every instance (the instance died without a disconnect, or Redis lost the grace job)
 * gets the grace period a closed tab gets, after which they are released.
 */
@Injectable()
export class AgentPresenceLoop extends IntervalLoop {
  constructor(
    private readonly agents: AgentsService,
    private readonly connections: AgentConnectionsService,
    config: ConfigService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'agent presence sweep', config.env.RECOVERY_SWEEP_SECONDS * 1000);
  }

  /** Returns how many grace periods it started. */
  async tick(): Promise<number> {
    const started = await this.connections.releaseGone(await this.agents.present());
    if (started > 0)
      this.logger.warn({ agents: started }, 'grace periods started for agents whose sockets are gone');
    return started;
  }
}
