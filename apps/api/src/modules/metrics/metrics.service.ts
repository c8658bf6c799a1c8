import { Injectable } from '@nestjs/common';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigService } from '../../config/config.service.js';

/**
 * The API instance's Prometheus registry. Only when an operator configured a way in
 * (`METRICS_TOKEN` and/or `METRICS_ALLOW_NETWORKS`) does anything get measured: otherwise no
 * collector runs, no domain event is watched and requests are not timed.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(config: ConfigService) {
    this.enabled = Boolean(config.env.METRICS_TOKEN ?? config.env.METRICS_ALLOW_NETWORKS);
    this.httpDuration = new Histogram({
      name: 'baton_http_request_duration_seconds',
      help: 'HTTP requests by method, route template (never a path with ids) and status class, until the response was sent.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: this.enabled ? [this.registry] : [],
    });
    // Process metrics under their usual names (CPU, memory, handles, GC, nodejs_eventloop_lag_*).
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
  }

  /** `route` is the template the request matched (`/api/v1/conversations/:id`), `unmatched` if none. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
