import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConfigService } from '../config/config.service.js';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /** The connections Prisma's adapter runs on (ended with the client), shared with {@link prepared}. */
  private readonly pool: pg.Pool;
  private readonly statementNames = new Map<string, string>();

  constructor(config: ConfigService) {
    const pool = new pg.Pool({
      connectionString: config.env.DATABASE_URL,
      max: config.env.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
    });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  /**
   * Runs one tagged statement in autocommit as a named prepared statement, straight on the pool:
   * for the hottest single statements (storing a message), where Prisma's client would cost more
   * than the statement and each connection can keep the parsed plan. Rows come back as `pg` parses
   * them (timestamps as `Date`). Errors are `pg`'s, with the server's `code` and `constraint`.
   */
  async prepared<T>(query: Prisma.Sql): Promise<T[]> {
    let name = this.statementNames.get(query.text);
    if (name === undefined) {
      name = `baton_${createHash('sha256').update(query.text).digest('hex').slice(0, 24)}`;
      this.statementNames.set(query.text, name);
    }
    const result = await this.pool.query({ name, text: query.text, values: query.values });
    return result.rows as T[];
  }

  /** The last shutdown phase: everything that used the connection has stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
