import { useSyncExternalStore } from 'react';

/*
 * One clock for every ticking display (waits, countdowns, "5 min" ages): a single interval while
 * anything shows one, so they all move together and nothing refetches to tick.
 */
const TICK_MS = 1000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time (epoch ms), re-rendering every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
