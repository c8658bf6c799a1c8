import type { RoutingDecision } from '@baton/contracts';
import { useEffect, useRef } from 'react';
import { ErrorMessage } from '../../ui/forms';
import { Loading } from '../../ui/Page';
import { shortId, withNames } from './supervisor-utils';
import { useRoutingDecisions } from './use-routing-decisions';

const MODES: Record<string, string> = {
  least_busy: 'Least busy',
  round_robin: 'Round robin',
  manual: 'Manual',
  manual_claim: 'Claimed by the agent',
  transfer: 'Transfer',
  transferred_away: 'Transferred away',
  offer: 'Offer',
};

function modeLabel(mode: string): string {
  return MODES[mode] ?? mode.replaceAll('_', ' ');
}

/**
 * "Why was this routed here?": every routing decision, newest first, with the candidates compared
 * and the verdict on each. It reloads on every change of the conversation pushed over the socket, and
 * when `version` changes (the panel's own actions). People are named by the decisions themselves:
 * a candidate need not be on the viewer's wall (an admin member of the queue, someone in another queue).
 */
export function RoutingDecisions({
  conversationId,
  version,
  nameOf,
}: {
  conversationId: string;
  version: string;
  nameOf: (userId: string) => string | undefined;
}) {
  const { data, error, loading, reload } = useRoutingDecisions(conversationId);

  const shown = useRef(version);
  useEffect(() => {
    if (shown.current === version) return;
    shown.current = version;
    void reload();
  }, [version, reload]);

  if (error) return <ErrorMessage error={error} />;
  if (!data) return loading ? <Loading what="routing decisions" /> : null;
  if (data.length === 0) {
    return <p className="empty">No routing decision was recorded for this conversation.</p>;
  }
  return (
    <ol className="sv-decisions" aria-label="Routing decisions, newest first">
      {[...data].reverse().map((d) => (
        <Decision key={d.id} decision={d} nameOf={nameOf} />
      ))}
    </ol>
  );
}

function Decision({
  decision: d,
  nameOf,
}: {
  decision: RoutingDecision;
  nameOf: (userId: string) => string | undefined;
}) {
  const known = (id: string) => d.names[id] ?? nameOf(id);
  const name = (id: string) => known(id) ?? shortId(id);
  return (
    <li className="sv-decision">
      <div className="sv-decision__head">
        <strong>{modeLabel(d.mode)}</strong>
        <span>
          {d.mode === 'transferred_away' ? 'by' : '→'}{' '}
          {d.chosenUserId ? name(d.chosenUserId) : 'nobody (it waited)'}
        </span>
        <time className="muted sv-small" dateTime={d.createdAt}>
          {new Date(d.createdAt).toLocaleString()}
        </time>
      </div>
      <p className="sv-decision__reason">{withNames(d.reason, known)}</p>
      {d.candidates.length === 0 ? (
        <p className="muted sv-small">No candidates were compared.</p>
      ) : (
        <div className="table-wrap">
          <table className="table sv-table sv-table--compact">
            <caption className="visually-hidden">Candidates considered</caption>
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Eligible</th>
                <th scope="col">Reason</th>
                <th scope="col">Load</th>
              </tr>
            </thead>
            <tbody>
              {d.candidates.map((c) => (
                <tr key={c.userId} className={c.userId === d.chosenUserId ? 'is-selected' : undefined}>
                  <th scope="row">
                    {name(c.userId)}
                    {c.userId === d.chosenUserId && <span className="muted"> (chosen)</span>}
                  </th>
                  <td>
                    {c.eligible ? (
                      <span className="badge badge--ok">Yes</span>
                    ) : (
                      <span className="badge">No</span>
                    )}
                  </td>
                  <td>{withNames(c.reason, known)}</td>
                  <td className="sv-num">
                    {c.activeCount} / {c.capacity}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}
