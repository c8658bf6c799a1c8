import { Permission, isPermission, mfaRequiredFor } from '@baton/authz';
import type { AccessReviewEntry } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { accessReviewQuery } from '../../lib/queries';
import { useCan } from '../../auth/session';
import { Link } from '../../lib/router';
import { ErrorMessage, Field, SelectField } from '../../ui/forms';
import { Ago, Empty, Loading, PageHeader } from '../../ui/Page';
import {
  DateTime,
  MfaBadge,
  RoleBadges,
  StatusBadge,
  downloadFile,
  fileStamp,
  matchesSearch,
  toCsv,
} from './people-shared';
import './people.css';

/** An entry with whether its roles or permissions make MFA mandatory ("privileged"). */
type Row = AccessReviewEntry & { privileged: boolean };

const VIEWS = [
  { id: 'all', label: 'Everyone', test: () => true },
  {
    id: 'privileged_no_mfa',
    label: 'Privileged without MFA',
    test: (r: Row) => r.privileged && !r.mfaEnabled,
  },
  { id: 'dormant', label: 'Dormant', test: (r: Row) => r.dormant },
  { id: 'disabled', label: 'Disabled', test: (r: Row) => r.status === 'disabled' },
  { id: 'mfa_off', label: 'MFA off', test: (r: Row) => !r.mfaEnabled },
  { id: 'no_roles', label: 'No roles', test: (r: Row) => r.roles.length === 0 },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

const CSV_HEADER = [
  'email',
  'displayName',
  'status',
  'roles',
  'permissions',
  'mfaEnabled',
  'mfaRequired',
  'lastLoginAt',
  'dormant',
  'disabledAt',
  'createdAt',
] as const;

function csvOf(rows: Row[]): string {
  return toCsv(
    CSV_HEADER,
    rows.map((r) => [
      r.email,
      r.displayName,
      r.status,
      r.roles.join(' '),
      r.permissions.join(' '),
      r.mfaEnabled,
      r.privileged,
      r.lastLoginAt,
      r.dormant,
      r.disabledAt,
      r.createdAt,
    ]),
  );
}

export default function AccessReviewPage() {
  const review = useQuery(accessReviewQuery());
  const canOpenUsers = useCan(Permission.UserRead);
  const [view, setView] = useState<ViewId>('all');
  const [role, setRole] = useState('');
  const [search, setSearch] = useState('');
  // Stamped when an answer arrives: the review is a snapshot, and the page says when it was taken.
  const loadedAt = review.data ? new Date(review.dataUpdatedAt).toISOString() : null;
  const rows = useMemo<Row[]>(
    () =>
      (review.data ?? []).map((entry) => ({
        ...entry,
        privileged: mfaRequiredFor(entry.roles, entry.permissions.filter(isPermission)),
      })),
    [review.data],
  );
  const roleNames = [...new Set(rows.flatMap((r) => r.roles))].sort();
  const test = VIEWS.find((v) => v.id === view)?.test ?? (() => true);
  const visible = rows.filter(
    (r) => test(r) && (!role || r.roles.includes(role)) && matchesSearch(search, r.displayName, r.email),
  );

  const download = () =>
    downloadFile(csvOf(visible), `baton-access-review-${fileStamp()}.csv`, 'text/csv;charset=utf-8');

  return (
    <section className="stack people-page">
      <PageHeader title="Access review">
        <button
          type="button"
          className="button"
          onClick={() => void review.refetch()}
          disabled={review.isFetching}
        >
          {review.isFetching && review.data ? 'Reloading…' : 'Reload'}
        </button>
        {review.data && (
          <button
            type="button"
            className="button button--primary"
            onClick={download}
            disabled={visible.length === 0}
          >
            Download CSV
          </button>
        )}
      </PageHeader>
      <p className="muted">
        Who can do what: every account with its roles, effective permissions, MFA state and last sign-in.
        Privileged accounts (admin or supervisor roles, or a critical permission) must use MFA. Each review is
        recorded in the audit log.
        {loadedAt && review.data && (
          <>
            {' '}
            Snapshot taken <DateTime at={loadedAt} />.
          </>
        )}
      </p>

      <ErrorMessage error={review.error} />
      {review.isLoading && !review.data ? (
        <Loading what="the access review" />
      ) : (
        review.data && (
          <>
            <div className="people-views" role="group" aria-labelledby="people-views-label">
              <span className="people-views-label" id="people-views-label">
                Show
              </span>
              {VIEWS.map((v) => {
                const count = rows.filter(v.test).length;
                const alarming = v.id === 'privileged_no_mfa' && count > 0;
                return (
                  <button
                    key={v.id}
                    type="button"
                    className={`button button--small${alarming ? ' button--danger' : ''}`}
                    aria-pressed={view === v.id}
                    onClick={() => setView(v.id)}
                  >
                    {v.label} <span className="people-count-badge">{count}</span>
                  </button>
                );
              })}
            </div>
            <div className="people-toolbar">
              <Field
                label="Search"
                type="search"
                placeholder="Name or email"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
              <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
                <option value="">Any role</option>
                {roleNames.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </SelectField>
            </div>
            {visible.length === 0 ? (
              <Empty>{rows.length === 0 ? 'No accounts yet.' : 'No account matches these filters.'}</Empty>
            ) : (
              <>
                <p className="muted people-count">
                  {visible.length} of {rows.length} accounts
                </p>
                <ReviewTable rows={visible} linkUsers={canOpenUsers} />
              </>
            )}
          </>
        )
      )}
    </section>
  );
}

function ReviewTable({ rows, linkUsers }: { rows: Row[]; linkUsers: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Status</th>
            <th scope="col">Roles</th>
            <th scope="col">Permissions</th>
            <th scope="col">MFA</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                {linkUsers ? (
                  <Link to={`/admin/users/${r.id}`}>{r.displayName}</Link>
                ) : (
                  <strong>{r.displayName}</strong>
                )}
                <div className="muted">{r.email}</div>
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.disabledAt && (
                  <div className="muted people-small people-nowrap">
                    since <DateTime at={r.disabledAt} />
                  </div>
                )}
              </td>
              <td>
                <RoleBadges roles={r.roles} />
              </td>
              <td>
                {r.permissions.length === 0 ? (
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
                )}
              </td>
              <td>
                <MfaBadge enabled={r.mfaEnabled} required={r.privileged} />
              </td>
              <td>
                {r.lastLoginAt ? (
                  <>
                    <Ago at={r.lastLoginAt} />
                    <div className="muted people-small people-nowrap">
                      <DateTime at={r.lastLoginAt} />
                    </div>
                  </>
                ) : (
                  <span className="muted">Never</span>
                )}
              </td>
              <td>
                <span className="people-badges">
                  {r.privileged && <span className="badge badge--info">privileged</span>}
                  {r.dormant && <span className="badge badge--warn">dormant</span>}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
