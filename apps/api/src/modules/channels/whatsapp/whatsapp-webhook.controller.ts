import { Controller, Get, Headers, HttpCode, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../../common/decorators/access.decorators.js';
import { UuidParam, ZodQuery } from '../../../common/http/zod-params.js';
import { WhatsappInboundService } from './whatsapp-inbound.service.js';
import { ZWhatsappVerifyQuery, type WhatsappVerifyQuery } from './whatsapp-payload.schemas.js';

/**
 * The provider's webhook. Public because the provider has no session: the GET proves it knows the
 * channel's verify token, and every POST is signed with the channel's app secret.
 */
@ApiTags('channels')
@Controller('v1/channels/:channelId/whatsapp/webhook')
export class WhatsappWebhookController {
  constructor(private readonly inbound: WhatsappInboundService) {}

  @Get()
  @Public()
  async verify(
    @UuidParam('channelId') channelId: string,
    @ZodQuery(ZWhatsappVerifyQuery) query: WhatsappVerifyQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const challenge = await this.inbound.verify(channelId, query);
    // Set only on success, so a refusal still goes out as the usual JSON error.
    res.type('text/plain');
    return challenge;
  }

  @Post()
  @Public()
  @HttpCode(200)
  receive(
    @UuidParam('channelId') channelId: string,
    @Req() req: RawBodyRequest<Request>,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<{ messages: number; statuses: number }> {
    return this.inbound.receive(channelId, req.rawBody, signature, req.body as unknown);
  }
}
