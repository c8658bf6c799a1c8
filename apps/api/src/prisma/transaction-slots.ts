import { ServiceBusyError } from '../common/errors/domain.error.js';

/**
 * A first-come, first-served limit on transactions in flight. An interactive transaction holds a
 * pooled connection for its whole length; with more of them than connections, Prisma fails the late
 * ones ("Unable to start a transaction in the given time") and short statements starve. Here they
 * wait their turn instead, and one that waited `waitMs` is refused with a 503 the caller may retry.
 */
export class TransactionSlots {
  private readonly waiting: (() => void)[] = [];
  /** How many at the head of `waiting` jumped the line. */
  private ahead = 0;

  constructor(
    private free: number,
    private readonly waitMs: number,
  ) {}

  /** `ahead`: waits before every transaction not marked so (still first come, first served among those). */
  async run<T>(work: () => Promise<T>, ahead = false): Promise<T> {
    await this.acquire(ahead);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(ahead: boolean): Promise<void> {
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
        const at = this.waiting.indexOf(granted);
        if (at < this.ahead) this.ahead -= 1;
        this.waiting.splice(at, 1);
        reject(new ServiceBusyError(Math.ceil(this.waitMs / 1000)));
      }, this.waitMs);
      if (ahead) {
        this.waiting.splice(this.ahead, 0, granted);
        this.ahead += 1;
      } else this.waiting.push(granted);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (this.ahead > 0) this.ahead -= 1;
    if (next) next();
    else this.free += 1;
  }
}
