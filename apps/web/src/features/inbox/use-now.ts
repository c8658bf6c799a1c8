import { useEffect, useState } from 'react';

/** The current time, re-rendering every `everyMs`: wait clocks and countdowns tick without refetching. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
