import { Permission } from '@baton/authz';
import type { AuditEvent } from '@baton/contracts';
import { useState } from 'react';
import { useCan } from '../../auth/session';
import { navigate } from '../../lib/router';
import { ErrorMessage } from '../../ui/forms';
import { Empty, Loading, PageHeader } from '../../ui/Page';
import { AuditEventDialog } from './audit/AuditEventDialog';
import { AuditExport } from './audit/AuditExport';
import { AuditFilterForm } from './audit/AuditFilterForm';
import { auditHref, hasFilters, useAuditFilters, type AuditFilters } from './audit/audit-filters';
import { EventsTable } from './audit/EventsTable';
import { useAuditEvents } from './audit/use-audit-events';
import { VerifyChain } from './audit/VerifyChain';
import './audit/audit.css';

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
