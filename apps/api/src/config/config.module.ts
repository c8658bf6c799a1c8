import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigService } from './config.service.js';
import type { Env } from './env.schema.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ConfigService, useValue: new ConfigService(env) }],
      exports: [ConfigService],
    };
  }
}
