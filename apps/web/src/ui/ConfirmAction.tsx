import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { useFocusWhen } from './focus';
import { ErrorMessage } from './forms';

/**
 * A destructive action behind a confirmation dialog: the button opens it, the dialog says what will
 * happen and shows the server's refusal (e.g. "still in use") if there is one.
 */
export function ConfirmAction({
  label,
  accessibleLabel,
  title,
  confirmLabel,
  children,
  onConfirm,
}: {
  label: string;
  /** The button's name for screen readers when `label` alone is ambiguous in a table ("Delete Sales"). */
  accessibleLabel?: string;
  title: string;
  confirmLabel: string;
  /** What the action does and what it cannot undo. */
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const action = useMutation({
    mutationFn: onConfirm,
    onSuccess: () => {
      setOpen(false);
      // A deleted row takes its button (where focus would return) with it: keep keyboard users on the screen.
      window.setTimeout(() => {
        if (document.activeElement === document.body) document.getElementById('main')?.focus();
      });
    },
  });
  // The safe choice has the focus, so Enter on a confirmation changes nothing by accident.
  const cancelRef = useFocusWhen<HTMLButtonElement>(open);

  return (
    <>
      <button
        type="button"
        className="button button--danger button--small"
        aria-label={accessibleLabel}
        onClick={() => {
          action.reset();
          setOpen(true);
        }}
      >
        {label}
      </button>
      <Dialog title={title} open={open} onClose={() => setOpen(false)}>
        <div className="stack">
          <div>{children}</div>
          <ErrorMessage error={action.error} />
          <div className="actions setup-form-actions">
            <button ref={cancelRef} type="button" className="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={action.isPending}
              onClick={() => action.mutate()}
            >
              {action.isPending ? 'Working…' : confirmLabel}
            </button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
