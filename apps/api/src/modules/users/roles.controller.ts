import { Permission } from '@baton/authz';
import { ZRoleRequest, type Role, type RoleRequest } from '@baton/contracts';
import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { RolesService } from './roles.service.js';

@ApiTags('roles')
@Controller('v1')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  /** Every permission a role can grant. */
  @Get('permissions')
  @RequirePermission(Permission.RoleRead)
  permissions(): readonly string[] {
    return this.roles.permissions();
  }

  @Get('roles')
  @RequirePermission(Permission.RoleRead)
  list(): Promise<Role[]> {
    return this.roles.list();
  }

  @Post('roles')
  @RequirePermission(Permission.RoleManage)
  @RequireStepUp()
  create(@ZodBody(ZRoleRequest) body: RoleRequest): Promise<Role> {
    return this.roles.create(body);
  }

  @Put('roles/:id')
  @RequirePermission(Permission.RoleManage)
  @RequireStepUp()
  update(@UuidParam() id: string, @ZodBody(ZRoleRequest) body: RoleRequest): Promise<Role> {
    return this.roles.update(id, body);
  }

  @Delete('roles/:id')
  @RequirePermission(Permission.RoleManage)
  @RequireStepUp()
  @HttpCode(204)
  async remove(@UuidParam() id: string): Promise<void> {
    await this.roles.remove(id);
  }
}
