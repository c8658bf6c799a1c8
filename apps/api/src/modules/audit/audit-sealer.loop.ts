import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { AuditSealerService } from './audit-sealer.service.js';

const IDLE_PAUSE_MS = 200;
const BATCH = 5000;

/**
 * Runs in the worker: seals new audit events continuously, so no event stays unsealed for more than
 * a fraction of a second under normal load. Several workers are safe: the sealer takes a lock.
 */
@Injectable()
export class AuditSealerLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly sealer: AuditSealerService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.done = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sealed = 0;
      try {
        sealed = await this.sealer.sealPending(BATCH);
      } catch (err) {
        this.logger.error({ err }, 'sealing audit events failed; retrying');
      }
      if (sealed < BATCH) await new Promise((resolve) => setTimeout(resolve, IDLE_PAUSE_MS));
    }
  }
}
