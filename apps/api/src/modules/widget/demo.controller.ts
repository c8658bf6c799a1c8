import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../../common/decorators/access.decorators.js';
import { ConfigService } from '../../config/config.service.js';
import { renderDemoPage } from './demo-page.template.js';
import { WidgetService } from './widget.service.js';

/** `GET /demo`: a fictional shop embedding the widget. Outside `/api` (see ROUTES_OUTSIDE_API_PREFIX). */
@ApiExcludeController()
@Controller()
export class DemoController {
  constructor(
    private readonly widget: WidgetService,
    private readonly config: ConfigService,
  ) {}

  @Get('demo')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(): Promise<string> {
    const { SERVE_WEB, WIDGET_DIST_DIR } = this.config.env;
    return renderDemoPage({
      channelId: await this.widget.demoChannelId(),
      widgetServed: SERVE_WEB && existsSync(join(WIDGET_DIST_DIR, 'widget.js')),
    });
  }
}
