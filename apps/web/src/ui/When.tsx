import { formatDateTimeShort } from '../lib/format';

/** An absolute local date and time (for dates in the future too, which `Ago` cannot say). */
export function When({ at, none = '—' }: { at: string | null; none?: string }) {
  if (!at) return <span className="muted">{none}</span>;
  return <time dateTime={at}>{formatDateTimeShort(at)}</time>;
}
