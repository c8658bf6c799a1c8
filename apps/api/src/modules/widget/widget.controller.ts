import {
  ZWidgetSessionRequest,
  type WidgetSessionRequest,
  type WidgetSessionResponse,
} from '@baton/contracts';
import { Controller, Headers, HttpCode, Options, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators/access.decorators.js';
import { ZodBody } from '../../common/http/zod-params.js';
import { WidgetService } from './widget.service.js';

/**
 * Lets the embedding page read the answer. No cookies are involved (`credentials: 'omit'`), so no
 * `Allow-Credentials`; `Retry-After` is exposed so the widget can wait out a 429.
 */
function allowOrigin(res: Response, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  res.vary('Origin');
}

/** The web chat widget's HTTP side: it is embedded on other sites, hence CORS on these routes only. */
@ApiTags('widget')
@Controller('v1/widget')
export class WidgetController {
  constructor(private readonly widget: WidgetService) {}

  /**
   * CORS preflight for the session request. It carries no channel, so it cannot check the channel's
   * origins; the POST does, and only an allowed origin gets to read the answer.
   */
  @Options('sessions')
  @Public()
  @HttpCode(204)
  preflight(@Headers('origin') origin: string | undefined, @Res({ passthrough: true }) res: Response): void {
    if (!origin) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.vary('Origin');
  }

  /**
   * A visitor token for the `/customer` socket: the same visitor for a valid token of this channel,
   * else a new one (limited per IP). 404 for a channel that is not an enabled webchat; 403 (audited)
   * when the page's origin is not one the channel allows.
   */
  @Post('sessions')
  @Public()
  @HttpCode(200)
  async session(
    @ZodBody(ZWidgetSessionRequest) body: WidgetSessionRequest,
    @Headers('origin') origin: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WidgetSessionResponse> {
    const channel = await this.widget.channelFor(body.channelId, origin);
    if (origin) allowOrigin(res, origin);
    return this.widget.session(channel, body.token);
  }
}
