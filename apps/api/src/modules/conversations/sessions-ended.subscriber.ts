import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';
import { SessionService } from '../auth/session.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { AgentDepartures } from './agent-departures.service.js';

/**
 * An agent whose last session was ended on purpose (disabled, signed out, ended by an admin, a
 * password change or MFA reset elsewhere, a timeout) is not coming back in a moment: unlike a lost
 * connection, there is no grace period, so customers are not left waiting on someone who has gone.
 * Runs in whichever process ended the session (API or worker), right after that commit.
 */
@Injectable()
export class SessionsEndedSubscriber implements OnModuleInit {
  constructor(
    private readonly events: DomainEventsService,
    private readonly sessions: SessionService,
    private readonly departures: AgentDepartures,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (event) => {
      if (event.type !== 'sessions.revoked') return;
      // Signed out in one browser but still signed in in another: still at work.
      if (await this.sessions.hasLive(event.userId)) return;
      const { released } = await this.departures.leave(event.userId, event.reason);
      if (released > 0)
        this.logger.info({ userId: event.userId, released, reason: event.reason }, 'agent went offline');
    });
  }
}
