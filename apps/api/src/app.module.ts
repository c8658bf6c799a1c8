import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Env } from './config/env.schema.js';
import { CoreModule } from './core.module.js';
import { HealthModule } from './modules/health/health.module.js';

@Module({})
export class AppModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(env, logger), HealthModule] };
  }
}
