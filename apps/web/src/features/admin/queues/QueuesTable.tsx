import { ZQueue, type Queue } from '@baton/contracts';
import { api } from '../../../lib/api';
import { formatDuration } from '../../../lib/format';
import { ConfirmAction, Tags } from '../setup-shared';
import { ROUTING } from './queue-text';

export function QueuesTable({
  queues,
  onEdit,
  onMembers,
  onArchived,
}: {
  queues: Queue[];
  onEdit: (queue: Queue) => void;
  onMembers: (queue: Queue) => void;
  onArchived: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Priority</th>
            <th scope="col">Routing</th>
            <th scope="col">Required skills</th>
            <th scope="col">Targets (SLA)</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => {
            const supervisors = queue.members.filter((m) => m.isSupervisor).length;
            return (
              <tr key={queue.id}>
                <td>
                  <strong>{queue.name}</strong>
                  {queue.description && <div className="muted setup-clamp">{queue.description}</div>}
                </td>
                <td>{queue.priority}</td>
                <td>
                  {ROUTING[queue.routingMode].label}
                  <div className="muted">
                    {queue.offerTimeoutSeconds === null
                      ? 'Assigned directly'
                      : `Offer, ${formatDuration(queue.offerTimeoutSeconds)} to accept`}
                  </div>
                </td>
                <td>
                  <Tags values={queue.requiredSkills} empty="None" />
                </td>
                <td>
                  <div>First reply: {target(queue.slaFirstResponseSeconds)}</div>
                  <div>Resolution: {target(queue.slaResolutionSeconds)}</div>
                </td>
                <td>
                  {queue.members.length === 0 ? (
                    <span className="badge badge--warn">No members</span>
                  ) : (
                    <>
                      {queue.members.length}
                      {supervisors > 0 && <div className="muted">{supervisors} supervising</div>}
                    </>
                  )}
                </td>
                <td>
                  <div className="actions setup-row-actions">
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
                        The queue disappears from routing and from pickers. Its conversation history stays.
                        Only an empty queue can be archived: move or resolve its open conversations first.
                      </p>
                      <p>This cannot be undone from the console.</p>
                    </ConfirmAction>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function target(seconds: number | null) {
  return seconds === null ? <span className="muted">none</span> : formatDuration(seconds);
}
