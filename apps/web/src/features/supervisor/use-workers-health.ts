import { ZWorkersHealth, type WorkersHealth } from '@baton/contracts';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';

/** Workers beat every 2 s and count as gone 6 s after their last beat: a few seconds more to notice. */
const WORKERS_POLL_MS = 5_000;

/**
 * Whether any worker process is alive, asked every few seconds. Null until the first answer, and
 * kept as it was when a poll fails (the wall's own connection state says when the server is away).
 */
export function useWorkersHealth(): WorkersHealth | null {
  const [workers, setWorkers] = useState<WorkersHealth | null>(null);
  useEffect(() => {
    let current = true;
    const poll = () =>
      api.get('/workers', ZWorkersHealth).then(
        (next) => {
          if (current) setWorkers(next);
        },
        () => undefined,
      );
    void poll();
    const timer = setInterval(() => void poll(), WORKERS_POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);
  return workers;
}
