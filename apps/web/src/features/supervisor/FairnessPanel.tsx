import { Empty } from '../../ui/Page';
import { percent } from '../../lib/format';
import { fairnessOf, utilisation, type OverviewAgent } from './supervisor-utils';
import { LoadBar } from './wall-parts';

function verdict(index: number): { label: string; badge: string } {
  if (index >= 0.9) return { label: 'Even', badge: 'badge badge--ok' };
  if (index >= 0.75) return { label: 'Somewhat uneven', badge: 'badge badge--warn' };
  return { label: 'Uneven', badge: 'badge badge--danger' };
}

/** Is the work spread evenly across the agents who can take more? */
export function FairnessPanel({ agents }: { agents: OverviewAgent[] }) {
  const available = agents.filter((a) => a.presence === 'available');
  const fairness = fairnessOf(agents);
  const active = available.reduce((s, a) => s + a.activeCount, 0);
  const capacity = available.reduce((s, a) => s + a.capacity, 0);
  return (
    <section className="panel sv-section" aria-labelledby="sv-fairness">
      <h2 id="sv-fairness">Load fairness</h2>
      {fairness.index === null ? (
        <Empty>No agent is available right now.</Empty>
      ) : (
        <>
          <div className="sv-fairness">
            <div>
              <div className="sv-fairness__figure sv-num" aria-describedby="sv-fairness-how">
                {percent(fairness.index)}
              </div>
              <div className="muted sv-small">fairness index</div>
            </div>
            <div className="stack sv-tight">
              <span className={verdict(fairness.index).badge}>{verdict(fairness.index).label}</span>
              <span className="sv-small">
                Spread <strong className="sv-num">{Math.round((fairness.spread ?? 0) * 100)}</strong> points ·{' '}
                <span className="sv-num">
                  {active} / {capacity}
                </span>{' '}
                slots in use
              </span>
            </div>
          </div>
          <ul className="sv-loads" aria-label="Utilisation of available agents">
            {available.map((a) => (
              <li key={a.userId}>
                <span className="sv-ellipsis">{a.displayName}</span>
                <LoadBar active={a.activeCount} capacity={a.capacity} />
                <span className="sv-num sv-right">{percent(utilisation(a))}</span>
              </li>
            ))}
          </ul>
          <details className="sv-small">
            <summary>How is this measured?</summary>
            <p id="sv-fairness-how" className="muted">
              Utilisation is an agent&apos;s open conversations divided by their capacity. The fairness index
              (Jain&apos;s index) is 100 % when every available agent is equally loaded and falls towards 1 ÷
              the number of agents when one carries everything. The spread is the busiest minus the least busy
              agent, in percentage points. Away and offline agents are left out: they take no new
              conversations.
            </p>
          </details>
        </>
      )}
    </section>
  );
}
