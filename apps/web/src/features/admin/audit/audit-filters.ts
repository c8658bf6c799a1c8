import { ZAuditAction, type AuditFilter } from '@baton/contracts';
import { useMemo } from 'react';
import { query } from '../../../lib/api';
import { useSearch } from '../../../lib/router';
import { isUuid } from '../../../lib/format';

/**
 * The audit log's filters live in the URL (/admin/audit?action=…&targetId=…), so a search can be
 * bookmarked, shared with a colleague, and linked to from other screens.
 */
const KEYS = ['action', 'result', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;
export type AuditFilters = Record<(typeof KEYS)[number], string>;

export const AUDIT_PATH = '/admin/audit';
export const EMPTY_FILTERS: AuditFilters = {
  action: '',
  result: '',
  actor: '',
  targetType: '',
  targetId: '',
  from: '',
  to: '',
};

// Suggestions only (the field accepts any type): the target types the API records today.
export const TARGET_TYPES = [
  'api_key',
  'audit',
  'bot',
  'canned_response',
  'channel',
  'contact',
  'conversation',
  'data_key',
  'knowledge_article',
  'queue',
  'role',
  'route',
  'settings',
  'socket',
  'user',
];

/** The moment `hours` ago, as the API's ISO time (read when a period button is pressed). */
export function hoursAgo(hours: number): string {
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
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** Actions grouped by what they are about ("auth", "user", …) for a readable select. */
export const ACTION_GROUPS = (() => {
  const groups = new Map<string, string[]>();
  for (const action of ZAuditAction.options) {
    const prefix = action.split('.')[0] ?? action;
    groups.set(prefix, [...(groups.get(prefix) ?? []), action]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
})();

export const PERIODS = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
];
