export function StatusBadge({ status }: { status: 'active' | 'disabled' }) {
  return <span className={status === 'active' ? 'badge badge--ok' : 'badge badge--danger'}>{status}</span>;
}
