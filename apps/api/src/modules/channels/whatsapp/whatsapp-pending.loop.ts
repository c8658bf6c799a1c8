import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigService } from '../../../config/config.service.js';
import { IntervalLoop } from '../../../jobs/interval-loop.js';
import { LOGGER } from '../../../logging/logging.module.js';
import { WhatsappOutboundService } from './whatsapp-outbound.service.js';

/**
 * Runs in the worker every RECOVERY_SWEEP_SECONDS. Delivery is event-driven; this sweep only catches
 * replies whose job never made it to Redis (Redis down when the event fired) or whose event never ran
 * (a crash right after commit).
 */
@Injectable()
export class WhatsappPendingLoop extends IntervalLoop {
  constructor(
    private readonly outbound: WhatsappOutboundService,
    config: ConfigService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger, 'whatsapp pending sweep', config.env.RECOVERY_SWEEP_SECONDS * 1000);
  }

  protected tick(): Promise<number> {
    return this.outbound.sweep();
  }
}
