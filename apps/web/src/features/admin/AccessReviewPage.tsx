import { Permission, isPermission, mfaRequiredFor } from '@baton/authz';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { accessReviewQuery } from '../../lib/queries';
import { useCan } from '../../auth/session';
import { ErrorMessage, SelectField } from '../../ui/forms';
import { Empty, Loading, PageHeader } from '../../ui/Page';
import { downloadFile } from '../../lib/download';
import { fileStamp } from '../../lib/format';
import { matchesSearch } from '../../lib/text';
import { DateTime } from '../../ui/DateTime';
import { SearchField } from '../../ui/SearchField';
import { ReviewTable } from './access-review/ReviewTable';
import { VIEWS, csvOf, type Row, type ViewId } from './access-review/review-row';
import './people.css';

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
              <SearchField label="Search" placeholder="Name or email" value={search} onChange={setSearch} />
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
