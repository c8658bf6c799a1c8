import { useState, type ReactNode } from 'react';
import { formatDuration } from '../lib/format';

/** A screen's heading, with its main actions on the right. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="actions">{children}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Relative time in words ("3 min ago"), as of `now` or else of when it was first shown. */
export function Ago({ at, now }: { at: string | null; now?: number }) {
  const [shownAt] = useState(Date.now);
  now ??= shownAt;
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()}>
      {formatDuration((now - new Date(at).getTime()) / 1000)} ago
    </time>
  );
}
