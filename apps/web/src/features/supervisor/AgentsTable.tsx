import type { Conversation } from '@baton/contracts';
import { Empty } from '../../ui/Page';
import { PRESENCE, type OverviewAgent } from './supervisor-utils';
import { ConversationChip, LoadBar } from './wall-parts';

/** Who is on, how loaded they are, and what they are working on (each conversation opens the panel). */
export function AgentsTable({
  agents,
  me,
  conversations,
  selectedId,
  onOpen,
}: {
  agents: OverviewAgent[];
  me: string;
  conversations: Record<string, Conversation>;
  selectedId: string | null;
  onOpen: ((id: string) => void) | null;
}) {
  return (
    <section className="panel sv-section" aria-labelledby="sv-agents">
      <h2 id="sv-agents">Agents</h2>
      {agents.length === 0 ? (
        <Empty>No agents in the queues you supervise.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table sv-table" aria-labelledby="sv-agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Load</th>
                <th scope="col">Current conversations</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr
                  key={a.userId}
                  className={[
                    a.conversationIds.includes(selectedId ?? '') ? 'is-selected' : '',
                    a.presence === 'offline' && a.activeCount === 0 ? 'sv-row--quiet' : '',
                  ].join(' ')}
                >
                  <th scope="row">
                    {a.displayName}
                    {a.userId === me && <span className="muted"> (you)</span>}
                  </th>
                  <td>
                    <span className={PRESENCE[a.presence].badge}>{PRESENCE[a.presence].label}</span>
                  </td>
                  <td>
                    <span className="sv-load">
                      <span className="sv-num">
                        {a.activeCount} / {a.capacity}
                      </span>
                      <LoadBar active={a.activeCount} capacity={a.capacity} />
                    </span>
                  </td>
                  <td>
                    {a.conversationIds.length === 0 ? (
                      <span className="muted">None</span>
                    ) : (
                      <span className="sv-chips">
                        {a.conversationIds.map((id) => (
                          <ConversationChip
                            key={id}
                            id={id}
                            conversation={conversations[id]}
                            selected={id === selectedId}
                            onOpen={onOpen}
                          />
                        ))}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
