import type { WorkersHealth } from '@baton/contracts';
import { SinceClock } from './wall-parts';

/** Shown while no worker process is alive: what stops, what goes on, and since when. */
export function WorkersAlert({ workers }: { workers: WorkersHealth | null }) {
  if (workers?.status !== 'down') return null;
  return (
    <div className="alert alert--error sv-workers" role="alert">
      <strong>Worker down.</strong> Bot replies, timers and WhatsApp deliveries wait until a worker is back;
      conversations with agents go on.{' '}
      {workers.lastSeenAt ? (
        <>
          Last seen <SinceClock since={workers.lastSeenAt} /> ago.
        </>
      ) : (
        'No worker has been seen yet.'
      )}
    </div>
  );
}
