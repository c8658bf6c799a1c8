import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logging.module.js';

/** Drops within this long after a warning are summed into the next one. */
export const DROP_WARNING_WINDOW_MS = 10_000;

/**
 * Socket events that never reached Redis (it was out of reach, or the connection closed): nobody
 * delivers them, and clients find the hole by `seq` at their next event or when live delivery
 * resumes. Counted per namespace for `baton_realtime_events_dropped_total`, and logged as one
 * warning at the first drop, then at most one line per window with how many followed, so a storm
 * of events during an outage is a few lines, not one per event.
 */
@Injectable()
export class DroppedEventsService implements OnModuleDestroy {
  private readonly totals = new Map<string, number>();
  private readonly unreported = new Map<string, number>();
  private lastReason = '';
  private window: NodeJS.Timeout | undefined;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** One event published on `namespace` was lost because of `error`. */
  record(namespace: string, error: unknown): void {
    this.totals.set(namespace, (this.totals.get(namespace) ?? 0) + 1);
    this.lastReason = error instanceof Error ? error.message : String(error);
    if (this.window) {
      this.unreported.set(namespace, (this.unreported.get(namespace) ?? 0) + 1);
      return;
    }
    this.logger.warn(
      { namespace, reason: this.lastReason },
      'socket event not published; clients back-fill by seq',
    );
    this.openWindow();
  }

  /** Events lost on `namespace` since this process started. */
  total(namespace: string): number {
    return this.totals.get(namespace) ?? 0;
  }

  namespaces(): string[] {
    return [...this.totals.keys()];
  }

  onModuleDestroy(): void {
    clearTimeout(this.window);
    this.report();
  }

  private openWindow(): void {
    this.window = setTimeout(() => {
      this.window = undefined;
      // Still dropping: say how many, and keep summing for one more window.
      if (this.report()) this.openWindow();
    }, DROP_WARNING_WINDOW_MS);
    this.window.unref();
  }

  /** Logs the drops since the last line; false when there were none. */
  private report(): boolean {
    if (this.unreported.size === 0) return false;
    const dropped = Object.fromEntries(this.unreported);
    this.unreported.clear();
    this.logger.warn(
      { dropped, reason: this.lastReason, windowSeconds: DROP_WARNING_WINDOW_MS / 1000 },
      'more socket events not published; clients back-fill by seq',
    );
    return true;
  }
}
