import { describe, expect, it, vi } from 'vitest';
import { CoalescedRuns } from './coalesced-runs.js';

describe('CoalescedRuns', () => {
  it('folds marks made while a key waits or runs into one more run, one run per key at a time', async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const passes = new CoalescedRuns(
      async (key) => {
        runs.push(key);
        if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => undefined,
    );
    passes.mark('q1');
    passes.mark('q1');
    await vi.waitFor(() => expect(runs).toEqual(['q1']));
    // While q1 runs: three more marks of it ask for one more run; another key runs alongside.
    passes.mark('q1');
    passes.mark('q1');
    passes.mark('q1');
    passes.mark('q2');
    await vi.waitFor(() => expect(runs).toEqual(['q1', 'q2']));
    release();
    await passes.idle();
    expect(runs).toEqual(['q1', 'q2', 'q1']);
  });

  it('reports a failed run and runs the key again on its next mark', async () => {
    const failures: string[] = [];
    let calls = 0;
    const runs = new CoalescedRuns(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('pool exhausted')) : Promise.resolve();
      },
      (err, key) => failures.push(`${key}: ${(err as Error).message}`),
    );
    runs.mark('q1');
    await runs.idle();
    runs.mark('q1');
    await runs.idle();
    expect(failures).toEqual(['q1: pool exhausted']);
    expect(calls).toBe(2);
  });

  it('drops what waits at shutdown and lets what runs finish', async () => {
    vi.useFakeTimers();
    try {
      const run = vi.fn(() => Promise.resolve());
      const runs = new CoalescedRuns(run, () => undefined, 500);
      runs.mark('q1');
      await runs.stop();
      runs.mark('q2');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(run).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
