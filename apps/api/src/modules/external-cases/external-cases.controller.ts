import {
  ZCaseMessageRequest,
  ZHandoffRequest,
  type CaseMessageRequest,
  type CustomerMessage,
  type HandoffResponse,
} from '@baton/contracts';
import { Body, Controller, Get, Headers, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { RequireApiKey } from '../../common/decorators/access.decorators.js';
import { ValidationError } from '../../common/errors/domain.error.js';
import { openApiSchema, UuidParam, ZodBody } from '../../common/http/zod-params.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { CurrentApiKey } from '../../common/decorators/current-session.decorator.js';
import { parseHandoffBody } from './botonic-action.js';
import { ExternalCasesService } from './external-cases.service.js';

const ZIdempotencyKey = z.string().trim().min(1).max(200);

/** External bots hand conversations to people here (docs/HANDOFF.md). */
@ApiTags('handoff')
@Controller('v1/handoff')
export class ExternalCasesController {
  constructor(private readonly cases: ExternalCasesService) {}

  /**
   * Creates a case (201), or returns the one this `Idempotency-Key` already created (200). The body is
   * the handoff as JSON, an object with Botonic's `_botonic_action`, or the `create_case:…` text itself.
   */
  @Post()
  @RequireApiKey('handoff:write')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiBody({ schema: openApiSchema(ZHandoffRequest) as never })
  async create(
    @CurrentApiKey() key: ApiKey,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HandoffResponse> {
    const parsedKey = ZIdempotencyKey.safeParse(idempotencyKey);
    if (!parsedKey.success) {
      throw new ValidationError([
        { path: 'Idempotency-Key', message: 'header required (1 to 200 characters)' },
      ]);
    }
    const result = await this.cases.create(key, parsedKey.data, parseHandoffBody(body));
    res.status(result.replayed ? 200 : 201);
    return result;
  }

  @Get(':caseId')
  @RequireApiKey('handoff:write')
  async get(@CurrentApiKey() key: ApiKey, @UuidParam('caseId') caseId: string): Promise<HandoffResponse> {
    await this.cases.ownCase(key, caseId);
    return this.cases.state(caseId, false);
  }

  /** The customer's next message, relayed by the bot; idempotent on `messageId`. */
  @Post(':caseId/messages')
  @RequireApiKey('handoff:write')
  addMessage(
    @CurrentApiKey() key: ApiKey,
    @UuidParam('caseId') caseId: string,
    @ZodBody(ZCaseMessageRequest) body: CaseMessageRequest,
  ): Promise<CustomerMessage> {
    return this.cases.addMessage(key, caseId, body);
  }
}
