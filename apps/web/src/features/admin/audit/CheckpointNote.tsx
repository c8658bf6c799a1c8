import type { ChainVerification } from '@baton/contracts';

/** What the signed checkpoints (kept outside the database) say about the chain. */
export function CheckpointNote({ checkpoints }: { checkpoints: ChainVerification['checkpoints'] }) {
  if (!checkpoints)
    return (
      <p className="muted">
        No signed checkpoint file was found, so only the chain&apos;s own consistency was checked.
      </p>
    );
  if (checkpoints.failure) return <p>{checkpoints.failure.reason}.</p>;
  if (!checkpoints.latest) return <p className="muted">No signed checkpoints yet.</p>;
  return (
    <p className="muted">
      {checkpoints.verified.toLocaleString()} signed checkpoint{checkpoints.verified === 1 ? '' : 's'} agree,
      the latest at position {checkpoints.latest.chainPosition} ({checkpoints.latest.createdAt}).
    </p>
  );
}
