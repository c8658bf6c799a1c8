import { formatDateTime } from '../lib/format';

/** A local date and time to the second, the exact instant in its tooltip. */
export function DateTime({ at }: { at: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} title={at}>
      {formatDateTime(at)}
    </time>
  );
}
