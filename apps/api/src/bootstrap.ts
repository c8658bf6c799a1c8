import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { httpLoggingMiddleware } from './common/http/http-logging.middleware.js';
import { securityHeadersMiddleware } from './common/http/security-headers.middleware.js';
import type { Env } from './config/env.schema.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { httpMetricsMiddleware } from './modules/metrics/http-metrics.middleware.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { RedisIoAdapter } from './modules/realtime/redis-io.adapter.js';
import { API_PREFIX, ROUTES_OUTSIDE_API_PREFIX } from './common/http/api-prefix.js';
import { serveStaticApps } from './static/static-files.js';
import { WorkerAppModule } from './worker.module.js';

function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Builds the HTTP application (not yet listening). Used by main.ts and by the integration tests. */
export async function createApi(env: Env, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, logger), {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    bodyParser: false,
    // Keeps the exact bytes of JSON bodies as `req.rawBody`: webhook signatures (WhatsApp) are over them.
    rawBody: true,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(env.TRUST_PROXY));
  app.use(httpLoggingMiddleware(logger));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(securityHeadersMiddleware({ hsts: env.PUBLIC_URL?.startsWith('https://') ?? false }));
  app.useBodyParser('json', { limit: '256kb' });
  // Botonic bots may send their `create_case:…` action as plain text (POST /api/v1/handoff).
  app.useBodyParser('text', { limit: '256kb' });
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ROUTES_OUTSIDE_API_PREFIX });
  app.useWebSocketAdapter(new RedisIoAdapter(app));
  serveApiDocs(app);
  if (env.SERVE_WEB) {
    serveStaticApps(
      app.getHttpAdapter().getInstance(),
      { web: env.WEB_DIST_DIR, widget: env.WIDGET_DIST_DIR },
      logger,
    );
  }
  return app;
}

/**
 * OpenAPI at /api/docs (JSON at /api/docs-json). Each operation carries `x-access` (its permission
 * rule) and, for sensitive actions, `x-step-up`.
 */
function serveApiDocs(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Baton API')
    .setDescription(
      'Agent helpdesk API. Sign in with POST /api/v1/auth/login; the session cookie authenticates ' +
        'later calls, and state-changing calls also need the X-CSRF-Token header. See docs/SECURITY.md.',
    )
    .setVersion('1')
    .addCookieAuth('baton_session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
}

/** Builds the worker: a Nest application context with BullMQ consumers and no HTTP server. */
export async function createWorker(env: Env, logger: Logger) {
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(env, logger), {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  return app;
}
