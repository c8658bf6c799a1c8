import { describe, expect, it } from 'vitest';
import { afterCrash, RESTART_POLICY } from './restart-policy.js';

describe('restarting a crashed process', () => {
  it('restarts after 1 s, then backs off while crashes repeat, never waiting more than 30 s', () => {
    const now = 1_000_000;
    const delays = [1, 2, 3, 4, 5].map((n) => {
      const crashes = Array.from({ length: n }, (_, i) => now - i * 1_000);
      return afterCrash(crashes, now);
    });
    expect(delays).toEqual([
      { restartInMs: 1_000, recentCrashes: 1 },
      { restartInMs: 2_000, recentCrashes: 2 },
      { restartInMs: 4_000, recentCrashes: 3 },
      { restartInMs: 8_000, recentCrashes: 4 },
      { restartInMs: 16_000, recentCrashes: 5 },
    ]);
    expect(afterCrash([now], now, { ...RESTART_POLICY, firstDelayMs: 20_000 })).toEqual({
      restartInMs: 20_000,
      recentCrashes: 1,
    });
    expect(afterCrash([now, now - 1], now, { ...RESTART_POLICY, firstDelayMs: 20_000 })).toMatchObject({
      restartInMs: 30_000,
    });
  });

  it('gives up on the sixth crash within two minutes', () => {
    const now = 1_000_000;
    const six = Array.from({ length: 6 }, (_, i) => now - i * 10_000);
    expect(afterCrash(six, now)).toEqual({ giveUp: true, recentCrashes: 6 });
  });

  it('forgets crashes older than two minutes: a process that ran a while starts over at 1 s', () => {
    const now = 10_000_000;
    const old = Array.from({ length: 10 }, (_, i) => now - 121_000 - i * 1_000);
    expect(afterCrash([...old, now], now)).toEqual({ restartInMs: 1_000, recentCrashes: 1 });
  });
});
