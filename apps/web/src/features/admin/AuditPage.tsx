import { Permission } from '@baton/authz';
import { ZAuditPage, type AuditEvent } from '@baton/contracts';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../auth/session';
import { api, query } from '../../lib/api';
import { queryKeys } from '../../lib/queries';
import { navigate } from '../../lib/router';
import { ErrorMessage } from '../../ui/forms';
import { Empty, Loading, PageHeader } from '../../ui/Page';
import { AuditEventDialog, ResultBadge, actorLabel } from './audit-detail';
import {
  AuditFilterForm,
  auditHref,
  hasFilters,
  toApiFilter,
  useAuditFilters,
  type AuditFilters,
} from './audit-filters';
import { AuditExport, VerifyChain } from './audit-tools';
import { DateTime } from './people-shared';
import './audit.css';

const PAGE_SIZE = 100;

/** Loaded pages of events for the current filters, newest first, and "load more" with the cursor. */
function useAuditEvents(filters: AuditFilters) {
  const client = useQueryClient();
  const filter = toApiFilter(filters);
  const queryKey = queryKeys.auditEvents(filter);
  // One query per set of filters: an answer for old filters never lands in the new list.
  const events = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      api.get(`/audit/events${query({ ...filter, cursor: pageParam, limit: PAGE_SIZE })}`, ZAuditPage),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

  return {
    items: events.data ? events.data.pages.flatMap((page) => page.items) : null,
    nextCursor: events.hasNextPage ? 'more' : null,
    loading: events.isFetching,
    error: events.error,
    // Back to the newest page only, as on first load, keeping it on screen while it reloads.
    refresh: () => {
      client.setQueryData<typeof events.data>(
        queryKey,
        (data) => data && { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) },
      );
      return events.refetch();
    },
    loadMore: () => events.fetchNextPage(),
  };
}

export default function AuditPage() {
  const filters = useAuditFilters();
  const events = useAuditEvents(filters);
  const canExport = useCan(Permission.AuditExport);
  const canVerify = useCan(Permission.AuditVerify);
  // The open event: an index into the loaded list, or an event fetched on its own (a broken chain link).
  const [openIndex, setOpenIndex] = useState<number | null>(null);
  const [single, setSingle] = useState<AuditEvent | null>(null);
  const items = events.items ?? [];
  const open = single ?? (openIndex !== null ? (items[openIndex] ?? null) : null);

  const apply = (next: AuditFilters) => {
    const href = auditHref(next);
    // Same filters again means "search again": the URL does not change, so load explicitly.
    if (href === window.location.pathname + window.location.search) void events.refresh();
    else navigate(href);
  };
  const close = () => {
    setOpenIndex(null);
    setSingle(null);
  };

  return (
    <section className="stack audit-page">
      <PageHeader title="Audit log">{canExport && <AuditExport filters={filters} />}</PageHeader>

      {canVerify && (
        <VerifyChain
          onShowEvent={(event) => {
            setOpenIndex(null);
            setSingle(event);
          }}
        />
      )}

      {/* Keyed on the applied filters: a link that changes the URL refills the form. */}
      <AuditFilterForm key={auditHref(filters)} applied={filters} onApply={apply} />

      <ErrorMessage error={events.error} />
      {events.items === null ? (
        events.loading && <Loading what="audit events" />
      ) : items.length === 0 ? (
        <Empty>{hasFilters(filters) ? 'No event matches these filters.' : 'The audit log is empty.'}</Empty>
      ) : (
        <>
          <div className="row">
            <p className="muted audit-grow">
              {events.loading
                ? 'Loading events…'
                : `${items.length.toLocaleString()} event${items.length === 1 ? '' : 's'} shown, newest first${
                    events.nextCursor ? '; more are available.' : '.'
                  }`}
            </p>
            <button
              type="button"
              className="button button--small"
              onClick={() => void events.refresh()}
              disabled={events.loading}
            >
              Refresh
            </button>
          </div>
          <EventsTable items={items} selected={open} onOpen={(i) => setOpenIndex(i)} />
          {events.nextCursor && (
            <div className="actions audit-more">
              <button
                type="button"
                className="button"
                onClick={() => void events.loadMore()}
                disabled={events.loading}
              >
                {events.loading ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}

      <AuditEventDialog
        event={open}
        onClose={close}
        onNewer={openIndex !== null && openIndex > 0 ? () => setOpenIndex(openIndex - 1) : undefined}
        onOlder={
          openIndex !== null && openIndex < items.length - 1 ? () => setOpenIndex(openIndex + 1) : undefined
        }
        onFilter={(href) => {
          close();
          navigate(href);
        }}
      />
    </section>
  );
}

function EventsTable({
  items,
  selected,
  onOpen,
}: {
  items: AuditEvent[];
  selected: AuditEvent | null;
  onOpen: (index: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Result</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">IP</th>
            <th scope="col">
              <span className="audit-sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((event, index) => (
            // The row is clickable for mouse users; the Details button is the keyboard way in.
            <tr
              key={event.seq}
              className={selected?.seq === event.seq ? 'is-selected audit-row' : 'audit-row'}
              onClick={() => onOpen(index)}
            >
              <td className="audit-nowrap">
                <DateTime at={event.occurredAt} />
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                <ResultBadge result={event.result} />
              </td>
              <td className="audit-clip" title={actorLabel(event)}>
                {event.actor.id || event.actor.email ? (
                  actorLabel(event)
                ) : (
                  <span className="muted">system</span>
                )}
              </td>
              <td
                className="audit-clip"
                title={[event.target.type, event.target.id].filter(Boolean).join(' ')}
              >
                {event.target.type ?? <span className="muted">—</span>}
                {event.target.id && <span className="muted audit-mono"> {event.target.id}</span>}
              </td>
              <td className="audit-nowrap">{event.ip ?? <span className="muted">—</span>}</td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Details of event ${event.seq}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    onOpen(index);
                  }}
                >
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
