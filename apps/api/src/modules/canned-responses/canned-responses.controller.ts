import { Permission } from '@baton/authz';
import { ZCannedResponseRequest, type CannedResponse, type CannedResponseRequest } from '@baton/contracts';
import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import { CannedResponsesService } from './canned-responses.service.js';

@ApiTags('canned-responses')
@Controller('v1/canned-responses')
export class CannedResponsesController {
  constructor(private readonly cannedResponses: CannedResponsesService) {}

  /** Every canned response, by shortcut: what the composer offers after `/`. */
  @Get()
  @RequirePermission(Permission.CannedResponseRead)
  list(): Promise<CannedResponse[]> {
    return this.cannedResponses.list();
  }

  /** A shortcut already in use is a 409 (`canned_responses.shortcut_taken`). */
  @Post()
  @RequirePermission(Permission.CannedResponseManage)
  create(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZCannedResponseRequest) body: CannedResponseRequest,
  ): Promise<CannedResponse> {
    return this.cannedResponses.create(session, body);
  }

  @Put(':id')
  @RequirePermission(Permission.CannedResponseManage)
  update(
    @UuidParam() id: string,
    @ZodBody(ZCannedResponseRequest) body: CannedResponseRequest,
  ): Promise<CannedResponse> {
    return this.cannedResponses.update(id, body);
  }

  @Delete(':id')
  @RequirePermission(Permission.CannedResponseManage)
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.cannedResponses.remove(id);
  }
}
