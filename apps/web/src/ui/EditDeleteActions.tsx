import type { ReactNode } from 'react';
import { ConfirmAction } from './ConfirmAction';

/** A table row's Edit and Delete buttons, named after the row for screen readers. */
export function EditDeleteActions({
  name,
  deleteTitle,
  confirmLabel,
  onEdit,
  onDelete,
  children,
}: {
  name: string;
  deleteTitle: string;
  confirmLabel: string;
  onEdit: () => void;
  onDelete: () => Promise<unknown>;
  /** What deleting does and what it cannot undo. */
  children: ReactNode;
}) {
  return (
    <>
      <button type="button" className="button button--small" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </button>
      <ConfirmAction
        label="Delete"
        accessibleLabel={`Delete ${name}`}
        title={deleteTitle}
        confirmLabel={confirmLabel}
        onConfirm={onDelete}
      >
        {children}
      </ConfirmAction>
    </>
  );
}
