import { Permission } from '@baton/authz';
import {
  ZCapacityRequest,
  ZPresenceRequest,
  type AgentState,
  type CapacityRequest,
  type PresenceRequest,
} from '@baton/contracts';
import { Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import { AgentsService } from './agents.service.js';

@ApiTags('agents')
@Controller('v1/agents/me')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get('state')
  @RequirePermission(Permission.PresenceUpdate)
  state(@CurrentSession() session: AuthSession): Promise<AgentState> {
    return this.agents.state(session.userId);
  }

  @Put('presence')
  @RequirePermission(Permission.PresenceUpdate)
  setPresence(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZPresenceRequest) body: PresenceRequest,
  ): Promise<AgentState> {
    return this.agents.setPresence(session.userId, body.presence);
  }
}

@ApiTags('agents')
@Controller('v1/agents')
export class AgentCapacityController {
  constructor(private readonly agents: AgentsService) {}

  /** How many conversations at once this agent takes (default AGENT_DEFAULT_CAPACITY). */
  @Put(':id/capacity')
  @RequirePermission(Permission.QueueManage)
  setCapacity(
    @UuidParam() id: string,
    @ZodBody(ZCapacityRequest) body: CapacityRequest,
  ): Promise<AgentState> {
    return this.agents.setCapacity(id, body.capacity);
  }
}
