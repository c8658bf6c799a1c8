import { Permission } from '@baton/authz';
import {
  ZQueueMembersRequest,
  ZQueueRequest,
  type Queue,
  type QueueMembersRequest,
  type QueueRequest,
} from '@baton/contracts';
import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { QueuesService } from './queues.service.js';

@ApiTags('queues')
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @RequirePermission(Permission.QueueRead)
  list(): Promise<Queue[]> {
    return this.queues.list();
  }

  @Get(':id')
  @RequirePermission(Permission.QueueRead)
  get(@UuidParam() id: string): Promise<Queue> {
    return this.queues.get(id);
  }

  @Post()
  @RequirePermission(Permission.QueueManage)
  create(@ZodBody(ZQueueRequest) body: QueueRequest): Promise<Queue> {
    return this.queues.create(body);
  }

  @Put(':id')
  @RequirePermission(Permission.QueueManage)
  update(@UuidParam() id: string, @ZodBody(ZQueueRequest) body: QueueRequest): Promise<Queue> {
    return this.queues.update(id, body);
  }

  /** Only an empty queue can be archived; its history stays. */
  @Post(':id/archive')
  @RequirePermission(Permission.QueueManage)
  @HttpCode(200)
  archive(@UuidParam() id: string): Promise<Queue> {
    return this.queues.archive(id);
  }

  @Put(':id/members')
  @RequirePermission(Permission.QueueManage)
  setMembers(
    @UuidParam() id: string,
    @ZodBody(ZQueueMembersRequest) body: QueueMembersRequest,
  ): Promise<Queue> {
    return this.queues.setMembers(id, body);
  }
}
