import { useState } from 'react';
import { ErrorMessage } from './forms';

/**
 * "Load more" under a list read a page at a time: busy while the page loads, and the failure beside
 * it, so the rows already shown stay.
 */
export function LoadMore({ label, load }: { label: string; load: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="load-more">
      <button
        type="button"
        className="button button--small button--ghost"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          load().then(
            () => setBusy(false),
            (err: unknown) => {
              setError(err);
              setBusy(false);
            },
          );
        }}
      >
        {busy ? 'Loading…' : label}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}
