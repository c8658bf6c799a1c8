import { ZReadiness, type Readiness } from '@baton/contracts';
import { useEffect, useState } from 'react';

export type ReadinessState =
  { kind: 'loading' } | { kind: 'loaded'; readiness: Readiness } | { kind: 'error'; message: string };

/** Polls the API's readiness so the shell shows at a glance whether the backend is healthy. */
export function useReadiness(intervalMs = 15_000): ReadinessState {
  const [state, setState] = useState<ReadinessState>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const response = await fetch('/api/health/ready', { headers: { accept: 'application/json' } });
        const readiness = ZReadiness.parse(await response.json());
        if (!cancelled) setState({ kind: 'loaded', readiness });
      } catch {
        if (!cancelled) setState({ kind: 'error', message: 'The Baton API cannot be reached.' });
      }
    };
    void load();
    const timer = setInterval(() => void load(), intervalMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [intervalMs]);

  return state;
}
