import { Module } from '@nestjs/common';
import { RealtimeFanoutModule } from '../realtime/realtime-fanout.module.js';
import { BacklogReadings } from './backlog-readings.service.js';
import { DomainEventMetrics } from './domain-event-metrics.service.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { ScrapeTimeMetrics } from './scrape-time-metrics.service.js';
import { SocketCountsGateway } from './socket-counts.gateway.js';

/** Prometheus metrics of the API instance at `GET /api/metrics` (api only; the worker's backlog is read from Redis and PostgreSQL). */
@Module({
  imports: [RealtimeFanoutModule],
  controllers: [MetricsController],
  providers: [MetricsService, BacklogReadings, DomainEventMetrics, ScrapeTimeMetrics, SocketCountsGateway],
  exports: [MetricsService],
})
export class MetricsModule {}
