import { Permission } from '@baton/authz';
import { ZBotRequest, type Bot, type BotRequest } from '@baton/contracts';
import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { BotsAdminService } from './bots-admin.service.js';

@ApiTags('bots')
@Controller('v1/bots')
export class BotsController {
  constructor(private readonly bots: BotsAdminService) {}

  @Get()
  @RequirePermission(Permission.BotManage)
  list(): Promise<Bot[]> {
    return this.bots.list();
  }

  @Get(':id')
  @RequirePermission(Permission.BotManage)
  get(@UuidParam() id: string): Promise<Bot> {
    return this.bots.get(id);
  }

  @Post()
  @RequirePermission(Permission.BotManage)
  create(@ZodBody(ZBotRequest) body: BotRequest): Promise<Bot> {
    return this.bots.create(body);
  }

  @Put(':id')
  @RequirePermission(Permission.BotManage)
  update(@UuidParam() id: string, @ZodBody(ZBotRequest) body: BotRequest): Promise<Bot> {
    return this.bots.update(id, body);
  }

  @Delete(':id')
  @RequirePermission(Permission.BotManage)
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.bots.remove(id);
  }
}
