import { Permission } from '@baton/authz';
import { ZApiKeyRequest, type ApiKey, type ApiKeyRequest, type CreatedApiKey } from '@baton/contracts';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission(Permission.ApiKeyManage)
  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  /** The key (and webhook secret) appear in this response only. */
  @Post()
  @RequirePermission(Permission.ApiKeyManage)
  @RequireStepUp()
  create(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZApiKeyRequest) body: ApiKeyRequest,
  ): Promise<CreatedApiKey> {
    return this.keys.create(body, session.userId);
  }

  /** Takes effect on the next call; revoking is never blocked behind step-up, so a leak can be stopped fast. */
  @Post(':id/revoke')
  @RequirePermission(Permission.ApiKeyManage)
  @HttpCode(200)
  revoke(@UuidParam() id: string): Promise<ApiKey> {
    return this.keys.revoke(id);
  }
}
