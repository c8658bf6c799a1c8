import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Liveness, Readiness } from '@baton/contracts';
import type { Response } from 'express';
import { Public } from '../../common/decorators/access.decorators.js';
import { HealthService } from './health.service.js';

@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP; says nothing about its dependencies. */
  @Get('live')
  @HttpCode(200)
  live(): Liveness {
    return { status: 'live', uptimeSeconds: this.health.uptimeSeconds() };
  }

  /**
   * Ready for traffic (200): PostgreSQL and Redis answer and no migration is pending; `degraded` (still
   * 200) when no worker is alive. 503 when a dependency is down or the process is draining to stop.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    res.status(readiness.status === 'ready' || readiness.status === 'degraded' ? 200 : 503);
    return readiness;
  }
}
