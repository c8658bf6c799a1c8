import type { Queue } from '@baton/contracts';
import { useId, type ReactNode } from 'react';
import { Field, SelectField } from '../../../ui/forms';
import { queueLabel } from './queue-label';

/** Picks one queue (or none) from the list, or takes its id as text when queues cannot be listed. */
export function QueuePicker({
  label,
  queues,
  value,
  onChange,
  noneLabel,
  hint,
  error,
}: {
  label: string;
  queues: readonly Queue[] | null;
  value: string;
  onChange: (id: string) => void;
  noneLabel: string;
  hint?: ReactNode;
  error?: string | null;
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
        error={error}
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
        aria-describedby={hint || error ? hintId : undefined}
        aria-invalid={error ? true : undefined}
      >
        <option value="">{noneLabel}</option>
        {queues.map((q) => (
          <option key={q.id} value={q.id}>
            {q.name}
          </option>
        ))}
        {unknown && <option value={value}>{queueLabel(null, value)} (archived or unknown)</option>}
      </SelectField>
      {(hint || error) && (
        <div id={hintId} className={error ? 'field__error' : 'field__hint'}>
          {error ?? hint}
        </div>
      )}
    </div>
  );
}
