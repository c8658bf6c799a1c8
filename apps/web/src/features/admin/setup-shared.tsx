import { Permission } from '@baton/authz';
import type { Queue } from '@baton/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useCan } from '../../auth/session';
import { queuesQuery } from '../../lib/queries';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage, Field, SelectField } from '../../ui/forms';
import { useFocusFirstField, useFocusWhen } from '../../ui/focus';
import { Empty, Loading } from '../../ui/Page';
import './setup.css';

/**
 * Helpers shared by the helpdesk set-up screens of the admin console (queues, channels, bots,
 * knowledge base, canned responses, API keys).
 */

/** What `useQuery` returns, as far as a list screen needs it. */
interface ListLoad<T> {
  data: T[] | undefined;
  isLoading: boolean;
  error: unknown;
}

/** A list's loading, error and empty states; `children` renders the items once there are some. */
export function Listing<T>({
  load,
  what,
  empty,
  children,
}: {
  load: ListLoad<T>;
  /** Plural noun for the loading line ("queues"). */
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      <ErrorMessage error={load.error} />
      {load.isLoading && !load.data ? (
        <Loading what={what} />
      ) : load.data && load.data.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        load.data && children(load.data)
      )}
    </>
  );
}

/**
 * A modal form. It closes itself once `onSubmit` succeeds, then calls
 * `onDone`; closing through the dialog (rather than unmounting it) lets the browser return focus
 * to the button that opened it. Errors thrown by `onSubmit` (the API's or our own checks) show above
 * the buttons.
 */
export function FormDialog({
  title,
  wide,
  submitLabel,
  onSubmit,
  onDone,
  besideFields,
  children,
}: {
  title: string;
  wide?: boolean;
  submitLabel: string;
  onSubmit: () => Promise<unknown>;
  onDone: () => void;
  /** Fields whose server errors the form shows beside them, not in the alert. */
  besideFields?: readonly string[];
  children: ReactNode;
}) {
  const [open, setOpen] = useState(true);
  const save = useMutation({ mutationFn: onSubmit, onSuccess: () => setOpen(false) });
  const formRef = useFocusFirstField<HTMLFormElement>();
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  useEffect(() => {
    if (!open) done.current();
  }, [open]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <Dialog title={title} open={open} onClose={() => setOpen(false)} wide={wide}>
      <form ref={formRef} className="stack" onSubmit={submit}>
        {children}
        <ErrorMessage error={save.error} besideFields={besideFields} />
        <div className="actions setup-form-actions">
          <button type="button" className="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

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
    <div className="actions setup-row-actions">
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
    </div>
  );
}

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

/** A value to paste elsewhere (snippet, URL, secret), selectable and with a copy button. */
export function CopyableValue({
  label,
  value,
  copyLabel,
}: {
  label: string;
  value: string;
  copyLabel?: string;
}) {
  return (
    <div className="setup-copyable">
      <div className="setup-copyable__head">
        <strong>{label}</strong>
        <CopyButton text={value} label={copyLabel ?? `Copy ${label.toLowerCase()}`} />
      </div>
      <pre className="setup-code" tabIndex={0} aria-label={label}>
        <code>{value}</code>
      </pre>
    </div>
  );
}

export function OnOffBadge({
  on,
  onLabel = 'Enabled',
  offLabel = 'Disabled',
}: {
  on: boolean;
  onLabel?: string;
  offLabel?: string;
}) {
  return <span className={on ? 'badge badge--ok' : 'badge'}>{on ? onLabel : offLabel}</span>;
}

export function Tags({ values, empty = '—' }: { values: readonly string[]; empty?: string }) {
  if (values.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="setup-tags">
      {values.map((value) => (
        <span key={value} className="badge badge--info">
          {value}
        </span>
      ))}
    </span>
  );
}

/** Items typed as one text, separated by commas or new lines; blanks and repeats dropped. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

export const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An absolute local date and time (for dates in the future too, which `Ago` cannot say). */
export function When({ at, none = '—' }: { at: string | null; none?: string }) {
  if (!at) return <span className="muted">{none}</span>;
  return <time dateTime={at}>{dateTimeFormat.format(new Date(at))}</time>;
}

export function matches(search: string, ...fields: (string | null | undefined)[]): boolean {
  const needle = search.trim().toLowerCase();
  return !needle || fields.some((field) => field?.toLowerCase().includes(needle));
}

/**
 * The active queues, for pickers on other screens. Listing queues needs `queue:read`; without it
 * (or when loading failed) `queues` is null and the pickers fall back to typing a queue id.
 * Editors wait while `pending`, so a picker never flips from one form to the other under the cursor.
 */
export function useQueueOptions() {
  const canRead = useCan(Permission.QueueRead);
  const load = useQuery({ ...queuesQuery(), enabled: canRead });
  return {
    queues: canRead ? (load.data ?? null) : null,
    pending: canRead && load.isPending && !load.error,
    error: load.error,
  };
}

/** A queue's name, or a shortened id when it is unknown (archived, or queues not readable). */
export function queueLabel(queues: readonly Queue[] | null, id: string): string {
  return queues?.find((q) => q.id === id)?.name ?? `Queue ${id.slice(0, 8)}…`;
}

/** Picks one queue (or none) from the list, or takes its id as text when queues cannot be listed. */
export function QueuePicker({
  label,
  queues,
  value,
  onChange,
  noneLabel,
  hint,
}: {
  label: string;
  queues: readonly Queue[] | null;
  value: string;
  onChange: (id: string) => void;
  noneLabel: string;
  hint?: ReactNode;
}) {
  const hintId = useId();
  if (!queues) {
    return (
      <Field
        label={`${label} (queue id)`}
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        placeholder="Leave empty for none"
        hint={hint ?? 'You cannot list queues, so type the queue’s id.'}
        spellCheck={false}
      />
    );
  }
  const unknown = value && !queues.some((q) => q.id === value);
  return (
    <div className="stack setup-tight">
      <SelectField
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hint ? hintId : undefined}
      >
        <option value="">{noneLabel}</option>
        {queues.map((q) => (
          <option key={q.id} value={q.id}>
            {q.name}
          </option>
        ))}
        {unknown && <option value={value}>{queueLabel(null, value)} (archived or unknown)</option>}
      </SelectField>
      {hint && (
        <div id={hintId} className="field__hint">
          {hint}
        </div>
      )}
    </div>
  );
}
