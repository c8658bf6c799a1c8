import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type * as runtime from '@prisma/client/runtime/client';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConfigService } from '../config/config.service.js';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { TransactionSlots } from './transaction-slots.js';

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

type TransactionOptions = {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
};

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /** The connections Prisma's adapter runs on (ended with the client), shared with {@link prepared}. */
  private readonly pool: pg.Pool;
  private readonly statementNames = new Map<string, string>();
  /** A quarter of the pool (at least one connection) stays free of transactions for short statements. */
  private readonly slots: TransactionSlots;

  constructor(config: ConfigService) {
    const { DATABASE_POOL_SIZE: size, DATABASE_TRANSACTION_WAIT_MS: waitMs } = config.env;
    // Under a burst, statements queue for a connection as long as transactions may for a slot.
    const pool = new pg.Pool({
      connectionString: config.env.DATABASE_URL,
      max: size,
      connectionTimeoutMillis: waitMs,
    });
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      transactionOptions: { maxWait: waitMs },
    });
    this.pool = pool;
    this.slots = new TransactionSlots(Math.max(1, size - Math.ceil(size / 4)), waitMs);
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

  override $transaction<P extends Prisma.PrismaPromise<unknown>[]>(
    arg: [...P],
    options?: TransactionOptions,
  ): Promise<runtime.Types.Utils.UnwrapTuple<P>>;
  override $transaction<R>(fn: (prisma: Tx) => Promise<R>, options?: TransactionOptions): Promise<R>;
  /** Every transaction, batched or interactive, waits for a slot first (see {@link TransactionSlots}). */
  override $transaction(arg: unknown, options?: TransactionOptions): Promise<unknown> {
    return this.slots.run(() => super.$transaction(arg as never, options));
  }

  /**
   * An interactive transaction that waits for a slot ahead of the others: routing, whose commits are
   * what lets waiting customers be served, is not held up behind a burst of the handoffs it serves.
   */
  $transactionAhead<R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions): Promise<R> {
    return this.slots.run(() => super.$transaction(fn, options), true);
  }

  /** The last shutdown phase: everything that used the connection has stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
