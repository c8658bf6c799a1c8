import { ZQueue, type Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { ConfirmAction } from '../../../ui/ConfirmAction';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { formatDuration } from '../../../lib/format';
import { Tags } from '../../../ui/Tags';
import { ROUTING } from './queue-text';

function target(seconds: number | null) {
  return seconds === null ? <span className="muted">none</span> : formatDuration(seconds);
}

const COLUMNS: Column<Queue>[] = [
  {
    header: 'Queue',
    cell: (queue) => (
      <>
        <strong>{queue.name}</strong>
        {queue.description && <div className="muted setup-clamp">{queue.description}</div>}
      </>
    ),
  },
  { header: 'Priority', cell: (queue) => queue.priority },
  {
    header: 'Routing',
    cell: (queue) => (
      <>
        {ROUTING[queue.routingMode].label}
        <div className="muted">
          {queue.offerTimeoutSeconds === null
            ? 'Assigned directly'
            : `Offer, ${formatDuration(queue.offerTimeoutSeconds)} to accept`}
        </div>
      </>
    ),
  },
  { header: 'Required skills', cell: (queue) => <Tags values={queue.requiredSkills} empty="None" /> },
  {
    header: 'Targets (SLA)',
    cell: (queue) => (
      <>
        <div>First reply: {target(queue.slaFirstResponseSeconds)}</div>
        <div>Resolution: {target(queue.slaResolutionSeconds)}</div>
      </>
    ),
  },
  {
    header: 'Members',
    cell: (queue) => {
      if (queue.members.length === 0) return <span className="badge badge--warn">No members</span>;
      const supervisors = queue.members.filter((m) => m.isSupervisor).length;
      return (
        <>
          {queue.members.length}
          {supervisors > 0 && <div className="muted">{supervisors} supervising</div>}
        </>
      );
    },
  },
];

export function QueuesTable({
  load,
  onEdit,
  onMembers,
  onArchived,
}: {
  load: TableLoad<Queue>;
  onEdit: (queue: Queue) => void;
  onMembers: (queue: Queue) => void;
  onArchived: (id: string) => void;
}) {
  return (
    <DataTable
      caption="Queues"
      columns={COLUMNS}
      load={load}
      empty="No queues yet. Create one, then add its members."
      actions={(queue) => (
        <>
          <button
            type="button"
            className="button button--small"
            aria-label={`Edit ${queue.name}`}
            onClick={() => onEdit(queue)}
          >
            Edit
          </button>
          <button
            type="button"
            className="button button--small"
            aria-label={`Members of ${queue.name}`}
            onClick={() => onMembers(queue)}
          >
            Members
          </button>
          <ConfirmAction
            label="Archive"
            accessibleLabel={`Archive ${queue.name}`}
            title={`Archive ${queue.name}?`}
            confirmLabel="Archive queue"
            onConfirm={async () => {
              await api.post(`/queues/${queue.id}/archive`, {}, ZQueue);
              onArchived(queue.id);
            }}
          >
            <p>
              The queue disappears from routing and from pickers. Its conversation history stays. Only an
              empty queue can be archived: move or resolve its open conversations first.
            </p>
            <p>This cannot be undone from the console.</p>
          </ConfirmAction>
        </>
      )}
    />
  );
}
