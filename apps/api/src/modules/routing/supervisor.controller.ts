import { Permission } from '@baton/authz';
import {
  ZSupervisorHistoryQuery,
  ZSupervisorOverviewQuery,
  type SupervisorHistory,
  type SupervisorHistoryQuery,
  type SupervisorOverviewPage,
  type SupervisorOverviewQuery,
} from '@baton/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { ZodQuery } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import { SupervisorHistoryService } from './supervisor-history.service.js';
import { SupervisorOverviewService } from './supervisor-overview.service.js';

@ApiTags('supervisor')
@Controller('v1/supervisor')
export class SupervisorController {
  constructor(
    private readonly overview: SupervisorOverviewService,
    private readonly reports: SupervisorHistoryService,
  ) {}

  /**
   * The snapshot a supervisor wall starts from (queues they supervise; admins see all), with their
   * agents a page at a time. Changes then arrive over `/agent` as `supervisor.overview_changed`, one
   * queue at a time.
   */
  @Get('overview')
  @RequirePermission(Permission.AgentRead)
  async get(
    @CurrentSession() session: AuthSession,
    @ZodQuery(ZSupervisorOverviewQuery) query: SupervisorOverviewQuery,
  ): Promise<SupervisorOverviewPage> {
    const scope = await this.overview.scopeFor(
      session.userId,
      session.permissions.has(Permission.QueueManage),
    );
    return this.overview.page(scope, query);
  }

  /**
   * Waiting and handled conversations per bucket (15 minutes up to 4 hours, else an hour) over the
   * last `hours`, for every queue or one; rebuilt from the conversations' timelines.
   */
  @Get('history')
  @RequirePermission(Permission.ReportRead)
  history(@ZodQuery(ZSupervisorHistoryQuery) query: SupervisorHistoryQuery): Promise<SupervisorHistory> {
    return this.reports.history(query.hours, query.queueId);
  }
}
