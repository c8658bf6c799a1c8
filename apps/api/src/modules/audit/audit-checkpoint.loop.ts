import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../config/config.service.js';
import { IntervalLoop } from '../../jobs/interval-loop.js';
import { LOGGER } from '../../logging/logging.module.js';
import { AuditCheckpointService } from './audit-checkpoint.service.js';

const EVERY_MS = 1_000;

/**
 * Runs in the worker beside the sealer, on its own timer so a slow or unreachable sink never delays
 * sealing. Each second it checks whether a checkpoint is due (cheap: two indexed reads) and ships
 * pending ones. Several workers are safe: deciding takes a lock and deliveries are claimed.
 */
@Injectable()
export class AuditCheckpointLoop extends IntervalLoop {
  private lastError: string | undefined;

  constructor(
    private readonly checkpoints: AuditCheckpointService,
    config: ConfigService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'audit checkpoint', config.env.AUDIT_CHECKPOINT_SINKS.length > 0 ? EVERY_MS : 0);
  }

  protected async tick(): Promise<void> {
    try {
      const made = await this.checkpoints.tick();
      if (made) this.logger.debug({ chainPosition: made.chainPos }, 'audit checkpoint signed');
      this.lastError = undefined;
    } catch (err) {
      // Logged once per distinct failure, not every second while it lasts (a key file with wrong permissions).
      const message = (err as Error).message;
      if (message !== this.lastError) this.logger.error({ err }, 'audit checkpoint failed; retrying');
      this.lastError = message;
    }
  }
}
