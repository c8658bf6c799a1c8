import { Permission } from '@baton/authz';
import type { WorkersHealth } from '@baton/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { HealthService } from './health.service.js';

@ApiTags('supervisor')
@Controller('v1/workers')
export class WorkersController {
  constructor(private readonly health: HealthService) {}

  /**
   * Whether any worker process is alive (bot replies, timers, deliveries), for the supervisor wall;
   * the same report as readiness's `workers`, one Redis read, so a wall may ask every few seconds.
   */
  @Get()
  @RequirePermission(Permission.AgentRead)
  workers(): Promise<WorkersHealth> {
    return this.health.workers();
  }
}
