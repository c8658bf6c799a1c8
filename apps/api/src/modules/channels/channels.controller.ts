import { Permission } from '@baton/authz';
import {
  ZCreateChannelRequest,
  ZUpdateChannelRequest,
  type Channel,
  type CreateChannelRequest,
  type UpdateChannelRequest,
} from '@baton/contracts';
import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { ChannelsService } from './channels.service.js';

/** Channel administration. Writes carry provider secrets, so they need a fresh MFA confirmation. */
@ApiTags('channels')
@Controller('v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @RequirePermission(Permission.ChannelManage)
  list(): Promise<Channel[]> {
    return this.channels.list();
  }

  @Get(':id')
  @RequirePermission(Permission.ChannelManage)
  get(@UuidParam() id: string): Promise<Channel> {
    return this.channels.get(id);
  }

  @Post()
  @RequirePermission(Permission.ChannelManage)
  @RequireStepUp()
  create(@ZodBody(ZCreateChannelRequest) body: CreateChannelRequest): Promise<Channel> {
    return this.channels.create(body);
  }

  @Patch(':id')
  @RequirePermission(Permission.ChannelManage)
  @RequireStepUp()
  update(
    @UuidParam() id: string,
    @ZodBody(ZUpdateChannelRequest) body: UpdateChannelRequest,
  ): Promise<Channel> {
    return this.channels.update(id, body);
  }

  /** Refused (409) once the channel has conversations: disable it instead. */
  @Delete(':id')
  @RequirePermission(Permission.ChannelManage)
  @RequireStepUp()
  @HttpCode(204)
  async remove(@UuidParam() id: string): Promise<void> {
    await this.channels.remove(id);
  }
}
