import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceBusyError } from '../common/errors/domain.error.js';
import { TransactionSlots } from './transaction-slots.js';

/** A unit of work that ends when the test says so. */
function held() {
  let finish: () => void = () => undefined;
  const work = () => new Promise<void>((resolve) => (finish = resolve));
  return { work, finish: () => finish() };
}

describe('TransactionSlots', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at most its slots at once and lets the others in first come, first served', async () => {
    const slots = new TransactionSlots(2, 10_000);
    const started: number[] = [];
    const works = [0, 1, 2, 3].map(() => held());
    const runs = works.map((w, i) =>
      slots.run(() => {
        started.push(i);
        return w.work();
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1]);
    works[1]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1, 2]);
    works[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1, 2, 3]);
    works[2]?.finish();
    works[3]?.finish();
    await Promise.all(runs);
  });

  it('refuses with a retryable 503 a transaction that waited too long, without running it', async () => {
    const slots = new TransactionSlots(1, 2_000);
    const first = held();
    const running = slots.run(first.work);
    const late = vi.fn(() => Promise.resolve());
    const refused = slots.run(late);
    const outcome = expect(refused).rejects.toBeInstanceOf(ServiceBusyError);
    await vi.advanceTimersByTimeAsync(2_000);
    await outcome;
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'busy', retryAfterSeconds: 2 });
    expect(late).not.toHaveBeenCalled();
    // Its place is given up: the slot goes to the next in line once free.
    const next = vi.fn(() => Promise.resolve('done'));
    const after = slots.run(next);
    first.finish();
    await running;
    expect(await after).toBe('done');
  });

  it('lets a transaction marked ahead wait before the others, first come first served among those', async () => {
    const slots = new TransactionSlots(1, 10_000);
    const first = held();
    const order: string[] = [];
    const runs = [slots.run(first.work)];
    for (const [name, ahead] of [
      ['handoff 1', false],
      ['routing 1', true],
      ['handoff 2', false],
      ['routing 2', true],
    ] as const) {
      runs.push(slots.run(() => Promise.resolve(void order.push(name)), ahead));
    }
    await vi.advanceTimersByTimeAsync(0);
    first.finish();
    await Promise.all(runs);
    expect(order).toEqual(['routing 1', 'routing 2', 'handoff 1', 'handoff 2']);
  });

  it('frees the slot when the transaction fails', async () => {
    const slots = new TransactionSlots(1, 1_000);
    await expect(slots.run(() => Promise.reject(new Error('deadlock')))).rejects.toThrow('deadlock');
    expect(await slots.run(() => Promise.resolve(1))).toBe(1);
  });
});
