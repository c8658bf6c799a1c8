import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * A worker sweep: `tick()` every `everyMs` (0 = off), and once at start when `atStart`; never two at
 * once per process (an interval that comes while a tick still runs is skipped), the last one awaited
 * at shutdown. A failed tick is logged and the next one runs as usual.
 */
export abstract class IntervalLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;
  /** A tick was asked for (`runNow`) while one ran. */
  private again = false;
  private stopped = false;

  protected constructor(
    protected readonly logger: Logger,
    private readonly what: string,
    private readonly everyMs: number,
    private readonly atStart = false,
  ) {}

  protected abstract tick(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (this.everyMs <= 0) return;
    if (this.atStart) this.tickOnce();
    this.timer = setInterval(() => {
      if (!this.busy) this.tickOnce();
    }, this.everyMs);
  }

  /**
   * A tick now, outside the schedule, unless the loop is off or stopped; asked while a tick runs, one
   * more follows it (what prompted the ask may have happened after that tick read its state).
   */
  protected runNow(): void {
    if (this.everyMs <= 0 || this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.tickOnce();
  }

  private tickOnce(): void {
    this.busy = true;
    this.running = this.tick()
      .catch((err: unknown) => this.logger.error({ err }, `${this.what} failed`))
      .finally(() => {
        this.busy = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.tickOnce();
        }
      });
  }

  /** The first shutdown phase: the last tick finishes while the database and Redis are still open. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
