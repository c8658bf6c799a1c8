import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type * as runtime from '@prisma/client/runtime/client';
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
  /** A quarter of the pool (at least one connection) stays free of transactions for short statements. */
  private readonly slots: TransactionSlots;

  constructor(config: ConfigService) {
    const { DATABASE_POOL_SIZE: pool, DATABASE_TRANSACTION_WAIT_MS: waitMs } = config.env;
    super({
      // Under a burst, statements queue for a connection as long as transactions may for a slot.
      adapter: new PrismaPg({
        connectionString: config.env.DATABASE_URL,
        max: pool,
        connectionTimeoutMillis: waitMs,
      }),
      transactionOptions: { maxWait: waitMs },
    });
    this.slots = new TransactionSlots(Math.max(1, pool - Math.ceil(pool / 4)), waitMs);
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
