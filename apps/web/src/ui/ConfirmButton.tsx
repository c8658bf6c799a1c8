import { useState, type ReactNode } from 'react';
import { useFocusWhen } from './focus';

/**
 * A destructive action asked twice: the first click shows what will happen and a confirm button,
 * so a misclick on a busy screen changes nothing.
 */
export function ConfirmButton({
  label,
  confirmLabel = label,
  children,
  busy = false,
  onConfirm,
}: {
  label: string;
  confirmLabel?: string;
  /** What the action does, shown while asking. */
  children: ReactNode;
  busy?: boolean;
  onConfirm: () => Promise<unknown>;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useFocusWhen<HTMLButtonElement>(asking);
  if (!asking) {
    return (
      <button type="button" className="button button--danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="alert alert--warn people-confirm">
      <div>{children}</div>
      <div className="actions">
        <button
          ref={confirmRef}
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => void onConfirm().finally(() => setAsking(false))}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="button" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
