import type { Conversation } from '@baton/contracts';
import { Fragment, useState } from 'react';
import { Empty } from '../../ui/Page';
import type { LiveQueue } from './supervisor-utils';
import { ConversationChip, SinceClock, SlaDue, WaitClock } from './wall-parts';

/** Queue by queue: how many wait, for how long, and how many are close to (or past) their SLA. */
export function QueuesTable({
  queues,
  waiting,
  selectedId,
  onOpen,
}: {
  queues: LiveQueue[];
  /** The waiting conversations I can see, per queue, in serving order. */
  waiting: Record<string, Conversation[]>;
  selectedId: string | null;
  onOpen: ((id: string) => void) | null;
}) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section className="panel sv-section" aria-labelledby="sv-queues">
      <h2 id="sv-queues">Queues</h2>
      {queues.length === 0 ? (
        <Empty>No queues to watch. Supervisors see the queues they are flagged as supervisor of.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table sv-table" aria-labelledby="sv-queues">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="sv-right">
                  Waiting
                </th>
                <th scope="col" className="sv-right">
                  Longest wait
                </th>
                <th scope="col" className="sv-right">
                  Avg wait
                </th>
                <th scope="col">SLA at risk</th>
                <th scope="col">SLA breached</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => {
                const list = waiting[q.id] ?? [];
                const open = expanded.has(q.id) && list.length > 0;
                const subId = `sv-waiting-${q.id}`;
                return (
                  <Fragment key={q.id}>
                    <tr className={q.slaBreached > 0 ? 'sv-row--breached' : undefined}>
                      <th scope="row">
                        {list.length > 0 ? (
                          <button
                            type="button"
                            className="sv-disclosure"
                            aria-expanded={open}
                            aria-controls={open ? subId : undefined}
                            onClick={() => toggle(q.id)}
                          >
                            <span className="sv-disclosure__icon" aria-hidden="true">
                              ▸
                            </span>
                            {q.name}
                          </button>
                        ) : (
                          q.name
                        )}
                      </th>
                      <td className="sv-right sv-num sv-strong">{q.waiting}</td>
                      <td className="sv-right">
                        <WaitClock seconds={q.longestWaitSeconds} at={q.at} />
                      </td>
                      <td className="sv-right">
                        <WaitClock seconds={q.averageWaitSeconds} at={q.at} />
                      </td>
                      <td>
                        {q.slaAtRisk > 0 ? (
                          <span className="badge badge--warn">{q.slaAtRisk} at risk</span>
                        ) : (
                          <span className="muted">0</span>
                        )}
                      </td>
                      <td>
                        {q.slaBreached > 0 ? (
                          <span className="badge badge--danger">{q.slaBreached} breached</span>
                        ) : (
                          <span className="muted">0</span>
                        )}
                      </td>
                    </tr>
                    {open && (
                      <tr id={subId} className="sv-subrow">
                        <td colSpan={6}>
                          <WaitingList list={list} selectedId={selectedId} onOpen={onOpen} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function WaitingList({
  list,
  selectedId,
  onOpen,
}: {
  list: Conversation[];
  selectedId: string | null;
  onOpen: ((id: string) => void) | null;
}) {
  return (
    <ol className="sv-waiting" aria-label="Waiting conversations, next served first">
      {list.map((c) => (
        <li key={c.id}>
          <ConversationChip id={c.id} conversation={c} selected={c.id === selectedId} onOpen={onOpen} />
          {c.priority !== 0 && (
            <span className={c.priority > 0 ? 'sv-strong' : 'muted'}>priority {c.priority}</span>
          )}
          {c.waitingSince && (
            <span>
              waiting <SinceClock since={c.waitingSince} />
            </span>
          )}
          {c.handoff.intent && <span className="muted sv-ellipsis">{c.handoff.intent}</span>}
          <SlaDue dueAt={c.firstResponseDueAt} />
        </li>
      ))}
    </ol>
  );
}
