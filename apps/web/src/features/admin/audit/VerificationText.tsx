import type { ChainVerification } from '@baton/contracts';
import { CheckpointNote } from './CheckpointNote';
import { UnsealedNote } from './UnsealedNote';

/** The verdict on the chain, in sentences: intact with its head, or where it breaks. */
export function VerificationText({ result }: { result: ChainVerification }) {
  const unsealed =
    result.unsealed > 0 ? (
      <UnsealedNote count={result.unsealed} oldest={result.oldestUnsealedSeconds} />
    ) : null;

  if (result.ok) {
    return (
      <>
        <p>
          <strong>
            Chain verified: {result.checked.toLocaleString()} event{result.checked === 1 ? '' : 's'} intact.
          </strong>
        </p>
        {result.head && (
          <p className="muted">
            Head: position {result.head.chainPosition}, event #{result.head.seq}, hash{' '}
            <code className="audit-mono">{result.head.hash}</code>. Keep a copy elsewhere to detect a
            truncated tail later.
          </p>
        )}
        {result.archivedThrough && (
          <p className="muted">
            Positions 1 to {result.archivedThrough} were archived (<code>npm run audit:archive</code>); the
            signed checkpoint at position {result.archivedThrough} vouches for where the table now begins.
          </p>
        )}
        <CheckpointNote checkpoints={result.checkpoints} />
        {unsealed}
      </>
    );
  }
  const broken = result.firstBroken;
  if (!broken && result.checkpoints?.failure) {
    return (
      <>
        <p>
          <strong>The chain disagrees with its signed checkpoints.</strong>
        </p>
        <CheckpointNote checkpoints={result.checkpoints} />
        <p>The database was changed after the checkpoint was signed; preserve it and investigate.</p>
        {unsealed}
      </>
    );
  }
  return (
    <>
      <p>
        <strong>
          Chain broken
          {broken
            ? ` at event #${broken.seq}${broken.chainPosition ? ` (chain position ${broken.chainPosition})` : ''}: ${broken.reason}.`
            : '.'}
        </strong>
      </p>
      <p>
        {result.checked.toLocaleString()} event{result.checked === 1 ? '' : 's'} checked. Events from this
        point on cannot be trusted; preserve the database and investigate.
      </p>
      {unsealed}
    </>
  );
}
