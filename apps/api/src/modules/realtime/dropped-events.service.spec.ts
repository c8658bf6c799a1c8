import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DROP_WARNING_WINDOW_MS, DroppedEventsService } from './dropped-events.service.js';

describe('DroppedEventsService', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts every dropped event by namespace, and logs a storm of them in a few lines', () => {
    const logger = { warn: vi.fn() };
    const dropped = new DroppedEventsService(logger as unknown as Logger);
    const outage = new Error('Reached the max retries per request limit (which is 5).');
    for (let i = 0; i < 1_000; i += 1) dropped.record(i % 4 === 0 ? '/customer' : '/agent', outage);
    expect(dropped.total('/agent')).toBe(750);
    expect(dropped.total('/customer')).toBe(250);
    expect(dropped.namespaces().sort()).toEqual(['/agent', '/customer']);
    // The first drop at once; the rest summed at the end of the window.
    expect(logger.warn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(DROP_WARNING_WINDOW_MS);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn.mock.calls[1]?.[0]).toMatchObject({
      dropped: { '/agent': 750, '/customer': 249 },
      reason: outage.message,
    });
    // Quiet once the drops stop; the next one is news again.
    vi.advanceTimersByTime(DROP_WARNING_WINDOW_MS * 3);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    dropped.record('/agent', outage);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(dropped.total('/agent')).toBe(751);
  });
});
