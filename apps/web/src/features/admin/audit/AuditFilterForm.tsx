import { ZAuditResult } from '@baton/contracts';
import { useId, useState, type FormEvent } from 'react';
import { Field, SelectField } from '../../../ui/forms';
import {
  ACTION_GROUPS,
  EMPTY_FILTERS,
  PERIODS,
  TARGET_TYPES,
  fromLocalInput,
  hoursAgo,
  toLocalInput,
  type AuditFilters,
} from './audit-filters';

/**
 * The filter form. It edits a draft; nothing is searched until "Apply filters", because every search
 * is itself recorded in the audit log.
 */
export function AuditFilterForm({
  applied,
  onApply,
}: {
  applied: AuditFilters;
  onApply: (next: AuditFilters) => void;
}) {
  const [draft, setDraft] = useState(applied);
  const [from, setFrom] = useState(toLocalInput(applied.from));
  const [to, setTo] = useState(toLocalInput(applied.to));
  const targetList = useId();
  const set = (key: keyof AuditFilters, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const range =
    from && to && fromLocalInput(from) >= fromLocalInput(to) ? '"From" must be earlier than "To".' : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (range) return;
    onApply({ ...draft, from: fromLocalInput(from), to: fromLocalInput(to) });
  };
  const clear = () => {
    setDraft(EMPTY_FILTERS);
    setFrom('');
    setTo('');
    onApply(EMPTY_FILTERS);
  };
  // A period applies at once: it is the quickest way to narrow a busy log.
  const period = (hours: number) => {
    const start = hoursAgo(hours);
    setFrom(toLocalInput(start));
    setTo('');
    onApply({ ...draft, from: start, to: '' });
  };

  return (
    <form className="panel audit-filters" onSubmit={submit} aria-label="Audit log filters">
      <div className="audit-filters__grid">
        <SelectField label="Action" value={draft.action} onChange={(e) => set('action', e.target.value)}>
          <option value="">Any action</option>
          {ACTION_GROUPS.map(([group, actions]) => (
            <optgroup key={group} label={group}>
              {actions.map((action) => (
                <option key={action} value={action}>
                  {action}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
        <SelectField label="Result" value={draft.result} onChange={(e) => set('result', e.target.value)}>
          <option value="">Any result</option>
          {ZAuditResult.options.map((result) => (
            <option key={result} value={result}>
              {result}
            </option>
          ))}
        </SelectField>
        <Field
          label="Actor"
          placeholder="Email or user ID"
          hint="Exact email address or user ID."
          maxLength={320}
          value={draft.actor}
          onChange={(e) => set('actor', e.target.value)}
        />
        <Field
          label="Target type"
          placeholder="e.g. user"
          list={targetList}
          maxLength={64}
          value={draft.targetType}
          onChange={(e) => set('targetType', e.target.value)}
        />
        <datalist id={targetList}>
          {TARGET_TYPES.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
        <Field
          label="Target ID"
          placeholder="Exact ID"
          maxLength={128}
          value={draft.targetId}
          onChange={(e) => set('targetId', e.target.value)}
        />
        <Field
          label="From"
          type="datetime-local"
          hint="Your local time, inclusive."
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <Field
          label="To"
          type="datetime-local"
          hint="Your local time, exclusive."
          value={to}
          error={range}
          onChange={(e) => setTo(e.target.value)}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button button--primary">
          Apply filters
        </button>
        <button type="button" className="button" onClick={clear}>
          Clear filters
        </button>
        <span className="audit-filters__periods">
          {PERIODS.map((p) => (
            <button
              key={p.hours}
              type="button"
              className="button button--link"
              onClick={() => period(p.hours)}
            >
              {p.label}
            </button>
          ))}
        </span>
      </div>
    </form>
  );
}
