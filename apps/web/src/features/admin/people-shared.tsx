import { useState, type ReactNode } from 'react';
import { useFocusWhen } from '../../ui/focus';

/**
 * Helpers shared by the people, security and audit screens of the admin console (users, roles,
 * security settings, access review, audit log).
 */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A local date and time to the second: audit work compares events seconds apart. */
export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

export function DateTime({ at }: { at: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} title={at}>
      {formatDateTime(at)}
    </time>
  );
}

export function StatusBadge({ status }: { status: 'active' | 'disabled' }) {
  return <span className={status === 'active' ? 'badge badge--ok' : 'badge badge--danger'}>{status}</span>;
}

/** MFA state; "required" flags an account that must use MFA but has none yet. */
export function MfaBadge({ enabled, required = false }: { enabled: boolean; required?: boolean }) {
  if (enabled) return <span className="badge badge--ok">MFA on</span>;
  return (
    <span className={required ? 'badge badge--danger' : 'badge'}>
      {required ? 'MFA off (required)' : 'MFA off'}
    </span>
  );
}

export function RoleBadges({ roles }: { roles: readonly string[] }) {
  if (roles.length === 0) return <span className="muted">No roles</span>;
  return (
    <span className="people-badges">
      {roles.map((role) => (
        <span key={role} className="badge badge--info">
          {role}
        </span>
      ))}
    </span>
  );
}

/** Case-insensitive "contains" over several fields, for client-side search boxes. */
export function matchesSearch(search: string, ...fields: (string | null | undefined)[]): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return fields.some((field) => field?.toLowerCase().includes(needle));
}

/** Permissions grouped by resource (the part before ':'), in a stable order. */
export function groupPermissions(permissions: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const permission of permissions) {
    const resource = permission.split(':')[0] ?? permission;
    groups.set(resource, [...(groups.get(resource) ?? []), permission]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

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

/** One CSV cell; cells a spreadsheet would run as a formula get a leading quote, as the API's export does. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Saves a file through a temporary link (works for generated content and fetched blobs alike). */
export function downloadFile(content: Blob | string, filename: string, type = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe timestamp such as 2025-01-31T14-05-09. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}
