import { formatDuration } from '../../../lib/format';

/** The sealer runs continuously; events unsealed for longer than this suggest the worker is down. */
const STALE_UNSEALED_SECONDS = 60;

/** Events not yet in the chain; a backlog that is not shrinking means the sealer (worker) is down. */
export function UnsealedNote({ count, oldest }: { count: number; oldest: number | null }) {
  const stale = oldest !== null && oldest > STALE_UNSEALED_SECONDS;
  const age =
    oldest === null
      ? ''
      : oldest < 1
        ? ' (the oldest for under a second)'
        : ` (the oldest for ${formatDuration(oldest)})`;
  return (
    <p className={stale ? 'audit-verify__warn' : 'muted'}>
      {count} newer event{count === 1 ? ' is' : 's are'} not sealed yet{age}
      {stale
        ? '; sealing normally takes under a second, so check that the worker process is running.'
        : '; they are checked once sealed.'}
    </p>
  );
}
