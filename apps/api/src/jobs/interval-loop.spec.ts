import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntervalLoop } from './interval-loop.js';

/** A sweep whose ticks take `tickMs` of fake time; it records how many ran at once. */
class SlowLoop extends IntervalLoop {
  started = 0;
  active = 0;
  mostAtOnce = 0;

  constructor(
    everyMs: number,
    private readonly tickMs: number,
    atStart = false,
  ) {
    super(pino({ level: 'silent' }), 'slow sweep', everyMs, atStart);
  }

  ask(): void {
    this.runNow();
  }

  protected async tick(): Promise<void> {
    this.started += 1;
    this.active += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.active);
    await new Promise((resolve) => setTimeout(resolve, this.tickMs));
    this.active -= 1;
  }
}

describe('IntervalLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('skips a tick while the previous one still runs, then ticks again on time', async () => {
    const loop = new SlowLoop(100, 250);
    loop.onApplicationBootstrap();
    await vi.advanceTimersByTimeAsync(950);
    expect(loop.mostAtOnce).toBe(1);
    // Ticks start at 100, 400 and 700 ms, each 250 ms long; the intervals in between are skipped.
    expect(loop.started).toBe(3);
    await loop.onModuleDestroy();
    expect(loop.active).toBe(0);
  });

  it('runs every interval when ticks are quick, and never when turned off', async () => {
    const quick = new SlowLoop(100, 10);
    const off = new SlowLoop(0, 10);
    quick.onApplicationBootstrap();
    off.onApplicationBootstrap();
    await vi.advanceTimersByTimeAsync(1_050);
    expect(quick.started).toBe(10);
    expect(off.started).toBe(0);
    await quick.onModuleDestroy();
  });

  it('runs once at start when asked to, then every interval', async () => {
    const loop = new SlowLoop(100, 10, true);
    loop.onApplicationBootstrap();
    expect(loop.started).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(loop.started).toBe(3);
    await loop.onModuleDestroy();
  });

  it('runs once more after the current tick when asked meanwhile, and never once stopped', async () => {
    const loop = new SlowLoop(10_000, 100);
    loop.onApplicationBootstrap();
    loop.ask();
    loop.ask();
    loop.ask();
    expect(loop.started).toBe(1);
    await vi.advanceTimersByTimeAsync(150);
    // The asks during the first tick make one more, not three.
    expect(loop.started).toBe(2);
    expect(loop.mostAtOnce).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    await loop.onModuleDestroy();
    loop.ask();
    expect(loop.started).toBe(2);
  });
});
