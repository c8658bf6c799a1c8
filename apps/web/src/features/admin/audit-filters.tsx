import { ZAuditAction, ZAuditResult, type AuditFilter } from '@baton/contracts';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { query } from '../../lib/api';
import { isUuid } from '../../lib/format';
import { useSearch } from '../../lib/router';
import { Field, SelectField } from '../../ui/forms';

/**
 * The audit log's filters live in the URL (/admin/audit?action=…&targetId=…), so a search can be
 * bookmarked, shared with a colleague, and linked to from other screens.
 */
const KEYS = ['action', 'result', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;
export type AuditFilters = Record<(typeof KEYS)[number], string>;

export const AUDIT_PATH = '/admin/audit';
const EMPTY: AuditFilters = {
  action: '',
  result: '',
  actor: '',
  targetType: '',
  targetId: '',
  from: '',
  to: '',
};

// Suggestions only (the field accepts any type): the target types the API records today.
const TARGET_TYPES = [
  'api_key',
  'audit',
  'bot',
  'canned_response',
  'channel',
  'contact',
  'conversation',
  'knowledge_article',
  'queue',
  'role',
  'route',
  'settings',
  'socket',
  'user',
];

/** The moment `hours` ago, as the API's ISO time (read when a period button is pressed). */
function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString();
}

export function useAuditFilters(): AuditFilters {
  const search = useSearch();
  // One object per address, so effects and queries depending on it change only when a filter does.
  return useMemo(() => {
    const params = new URLSearchParams(search);
    return Object.fromEntries(KEYS.map((key) => [key, params.get(key) ?? ''])) as AuditFilters;
  }, [search]);
}

/** The page URL for these filters. */
export function auditHref(filters: Partial<AuditFilters>): string {
  return AUDIT_PATH + query(filters);
}

/** The API's filter: an actor that looks like a user id is matched by id, anything else by email. */
export function toApiFilter(filters: AuditFilters): Partial<Record<keyof AuditFilter, string>> {
  const actor = filters.actor.trim();
  return {
    action: filters.action || undefined,
    result: filters.result || undefined,
    actorId: isUuid(actor) ? actor : undefined,
    actorEmail: actor && !isUuid(actor) ? actor : undefined,
    targetType: filters.targetType.trim() || undefined,
    targetId: filters.targetId.trim() || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
  };
}

export function hasFilters(filters: AuditFilters): boolean {
  return KEYS.some((key) => filters[key] !== '');
}

/** ISO instant → the value a datetime-local input shows (local time, to the minute). */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** Actions grouped by what they are about ("auth", "user", …) for a readable select. */
const ACTION_GROUPS = (() => {
  const groups = new Map<string, string[]>();
  for (const action of ZAuditAction.options) {
    const prefix = action.split('.')[0] ?? action;
    groups.set(prefix, [...(groups.get(prefix) ?? []), action]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
})();

const PERIODS = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
];

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
    setDraft(EMPTY);
    setFrom('');
    setTo('');
    onApply(EMPTY);
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
