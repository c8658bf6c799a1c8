import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsAccess } from '../../common/decorators/access.decorators.js';
import { MetricsService } from './metrics.service.js';

/** `GET /api/metrics`: Prometheus text format for operators' scrapers (see docs/SECURITY.md, "Metrics"). */
@Controller('metrics')
@MetricsAccess()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    const text = await this.metrics.text();
    res.type(this.metrics.contentType).setHeader('Cache-Control', 'no-store');
    return text;
  }
}
