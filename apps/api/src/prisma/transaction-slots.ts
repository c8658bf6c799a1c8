import { ServiceBusyError } from '../common/errors/domain.error.js';

/**
 * A first-come, first-served limit on transactions in flight. An interactive transaction holds a
 * pooled connection for its whole length; with more of them than connections, Prisma fails the late
 * ones ("Unable to start a transaction in the given time") and short statements starve. Here they
 * wait their turn instead, and one that waited `waitMs` is refused with a 503 the caller may retry.
 */
export class TransactionSlots {
  private readonly waiting: (() => void)[] = [];

  constructor(
    private free: number,
    private readonly waitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const granted = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(granted), 1);
        reject(new ServiceBusyError(Math.ceil(this.waitMs / 1000)));
      }, this.waitMs);
      this.waiting.push(granted);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
