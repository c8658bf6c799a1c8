import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Env } from './config/env.schema.js';
import { CoreModule } from './core.module.js';
import { WorkerModule } from './jobs/jobs.module.js';
import { HealthPingHandler } from './modules/health/health-ping.handler.js';

@Module({})
export class WorkerAppModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [CoreModule.forRoot(env, logger), WorkerModule.register({ handlers: [HealthPingHandler] })],
    };
  }
}
