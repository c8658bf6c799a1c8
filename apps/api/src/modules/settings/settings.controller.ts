import { Permission } from '@baton/authz';
import { ZSecuritySettingsPatch, type SecuritySettings, type SecuritySettingsPatch } from '@baton/contracts';
import { Controller, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { ZodBody } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import { SecuritySettingsService } from './security-settings.service.js';

@ApiTags('settings')
@Controller('v1/settings/security')
export class SettingsController {
  constructor(private readonly settings: SecuritySettingsService) {}

  @Get()
  @RequirePermission(Permission.SettingsRead)
  get(): Promise<SecuritySettings> {
    return this.settings.get();
  }

  @Patch()
  @RequirePermission(Permission.SettingsManage)
  @RequireStepUp()
  update(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZSecuritySettingsPatch) body: SecuritySettingsPatch,
  ): Promise<SecuritySettings> {
    return this.settings.update(body, session.userId);
  }
}
