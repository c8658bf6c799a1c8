import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { ErrorMessage } from './forms';
import { useAfterClose } from './use-after-close';
import { useFocusFirstField } from './focus';

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
  useAfterClose(open, onDone);

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
