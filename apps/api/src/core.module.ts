import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule } from './config/config.module.js';
import type { Env } from './config/env.schema.js';
import { SecurityModule } from './common/security.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { EventsModule } from './modules/events/events.module.js';
import { PrismaModule } from './prisma/prisma.module.js';
import { RedisModule } from './redis/redis.module.js';

/** What both processes (api and worker) share: config, logging, PostgreSQL, Redis, job producers, audit. */
@Module({})
export class CoreModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggingModule.forRoot(logger),
        PrismaModule,
        RedisModule,
        JobsModule,
        SecurityModule,
        AuditModule,
        EventsModule,
      ],
    };
  }
}
