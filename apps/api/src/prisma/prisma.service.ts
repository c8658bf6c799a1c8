import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { ConfigService } from '../config/config.service.js';
import { PrismaClient } from '../generated/prisma/client.js';

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(config: ConfigService) {
    super({
      adapter: new PrismaPg({
        connectionString: config.env.DATABASE_URL,
        max: config.env.DATABASE_POOL_SIZE,
        connectionTimeoutMillis: 5_000,
      }),
    });
  }

  /** The last shutdown phase: everything that used the connection has stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
