import { Permission } from '@baton/authz';
import type { SupervisorOverview } from '@baton/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { CurrentSession } from '../auth/current-session.decorator.js';
import type { AuthSession } from '../auth/session.service.js';
import { SupervisorOverviewService } from './supervisor-overview.service.js';

@ApiTags('supervisor')
@Controller('v1/supervisor')
export class SupervisorController {
  constructor(private readonly overview: SupervisorOverviewService) {}

  /**
   * The snapshot a supervisor wall starts from (queues they supervise; admins see all). Changes then
   * arrive over `/agent` as `supervisor.overview_changed`, one queue at a time.
   */
  @Get('overview')
  @RequirePermission(Permission.AgentRead)
  async get(@CurrentSession() session: AuthSession): Promise<SupervisorOverview> {
    const scope = await this.overview.scopeFor(
      session.userId,
      session.permissions.has(Permission.QueueManage),
    );
    return this.overview.overview(scope);
  }
}
