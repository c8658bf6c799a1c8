import type { AuditEvent } from '@baton/contracts';
import { DataTable, type Column } from '../../../ui/DataTable';
import { DateTime } from '../../../ui/DateTime';
import { actorLabel } from './actor-label';
import { ResultBadge } from './ResultBadge';

const COLUMNS: Column<AuditEvent>[] = [
  { header: 'Time', className: 'audit-nowrap', cell: (event) => <DateTime at={event.occurredAt} /> },
  { header: 'Action', cell: (event) => <code>{event.action}</code> },
  { header: 'Result', cell: (event) => <ResultBadge result={event.result} /> },
  {
    header: 'Actor',
    className: 'audit-clip',
    title: actorLabel,
    cell: (event) =>
      event.actor.id || event.actor.email ? actorLabel(event) : <span className="muted">system</span>,
  },
  {
    header: 'Target',
    className: 'audit-clip',
    title: (event) => [event.target.type, event.target.id].filter(Boolean).join(' '),
    cell: (event) => (
      <>
        {event.target.type ?? <span className="muted">—</span>}
        {event.target.id && <span className="muted audit-mono"> {event.target.id}</span>}
      </>
    ),
  },
  {
    header: 'IP',
    className: 'audit-nowrap',
    cell: (event) => event.ip ?? <span className="muted">—</span>,
  },
];

/** The loaded events; a row opens its details (the row for mouse users, the Details button for keyboards). */
export function EventsTable({
  items,
  selected,
  onOpen,
}: {
  items: AuditEvent[];
  selected: AuditEvent | null;
  onOpen: (index: number) => void;
}) {
  return (
    <DataTable
      caption="Audit events, newest first"
      className="audit-table"
      columns={COLUMNS}
      rows={items}
      rowKey={(event) => event.seq}
      rowClassName={(event) => (selected?.seq === event.seq ? 'is-selected audit-row' : 'audit-row')}
      onRowClick={(_event, index) => onOpen(index)}
      actionsHeader="Details"
      actions={(event, index) => (
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
      )}
    />
  );
}
