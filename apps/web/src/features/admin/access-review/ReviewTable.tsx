import { Link } from '../../../lib/router';
import { DataTable, type Column } from '../../../ui/DataTable';
import { DateTime } from '../../../ui/DateTime';
import { Ago } from '../../../ui/Page';
import { Tags } from '../../../ui/Tags';
import { MfaBadge } from '../users/MfaBadge';
import { StatusBadge } from '../users/StatusBadge';
import type { Row } from './review-row';

const COLUMNS: Column<Row>[] = [
  {
    header: 'Status',
    cell: (r) => (
      <>
        <StatusBadge status={r.status} />
        {r.disabledAt && (
          <div className="muted people-small people-nowrap">
            since <DateTime at={r.disabledAt} />
          </div>
        )}
      </>
    ),
  },
  { header: 'Roles', cell: (r) => <Tags values={r.roles} empty="No roles" /> },
  {
    header: 'Permissions',
    cell: (r) =>
      r.permissions.length === 0 ? (
        <span className="muted">None</span>
      ) : (
        <details>
          <summary>
            {r.permissions.length} permission{r.permissions.length === 1 ? '' : 's'}
          </summary>
          <ul className="people-plain-list">
            {r.permissions.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </details>
      ),
  },
  { header: 'MFA', cell: (r) => <MfaBadge enabled={r.mfaEnabled} required={r.privileged} /> },
  {
    header: 'Last sign-in',
    cell: (r) =>
      r.lastLoginAt ? (
        <>
          <Ago at={r.lastLoginAt} />
          <div className="muted people-small people-nowrap">
            <DateTime at={r.lastLoginAt} />
          </div>
        </>
      ) : (
        <span className="muted">Never</span>
      ),
  },
  {
    header: 'Flags',
    cell: (r) => (
      <span className="people-badges">
        {r.privileged && <span className="badge badge--info">privileged</span>}
        {r.dormant && <span className="badge badge--warn">dormant</span>}
      </span>
    ),
  },
];

export function ReviewTable({ rows, linkUsers }: { rows: Row[]; linkUsers: boolean }) {
  const user: Column<Row> = {
    header: 'User',
    cell: (r) => (
      <>
        {linkUsers ? (
          <Link to={`/admin/users/${r.id}`}>{r.displayName}</Link>
        ) : (
          <strong>{r.displayName}</strong>
        )}
        <div className="muted">{r.email}</div>
      </>
    ),
  };
  return <DataTable caption="Accounts under review" columns={[user, ...COLUMNS]} rows={rows} />;
}
