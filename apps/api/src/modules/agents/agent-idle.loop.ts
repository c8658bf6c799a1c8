import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { AgentsService } from './agents.service.js';

const EVERY_MS = 30_000;

/** Runs in the worker: available agents idle past AGENT_AUTO_AWAY_MINUTES go away by themselves. */
@Injectable()
export class AgentIdleLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly agents: AgentsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.agents
        .awayWhenIdle()
        .then((idle) => idle.length > 0 && this.logger.info({ agents: idle.length }, 'idle agents set away'))
        .catch((err: unknown) => this.logger.error({ err }, 'idle agent sweep failed'));
    }, EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
