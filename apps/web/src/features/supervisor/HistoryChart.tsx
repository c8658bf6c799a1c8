import type { SupervisorHistory } from '@baton/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError } from '../../lib/api';
import { supervisorHistoryQuery } from '../../lib/queries';
import { ErrorMessage, SelectField } from '../../ui/forms';
import { Loading } from '../../ui/Page';
import { clockTime } from '../../lib/format';
import type { LiveQueue } from './supervisor-utils';

const RANGES = [4, 8, 24] as const;
const REFRESH_MS = 60_000;

/** Waiting and handled conversations over the last hours, for one queue or all of them. */
export function HistoryChart({ queues }: { queues: LiveQueue[] }) {
  const [hours, setHours] = useState<number>(8);
  const [queueId, setQueueId] = useState('');
  const { data, error } = useQuery({
    ...supervisorHistoryQuery(hours, queueId || null),
    refetchInterval: REFRESH_MS,
    // Another range or queue keeps the current chart until its own answer arrives.
    placeholderData: keepPreviousData,
  });

  return (
    <section className="panel sv-section" aria-labelledby="sv-history">
      <div className="sv-section__head">
        <h2 id="sv-history">Last {hours} hours</h2>
        <div className="sv-history__filters">
          <SelectField label="Range" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {RANGES.map((h) => (
              <option key={h} value={h}>
                {h} h
              </option>
            ))}
          </SelectField>
          {queues.length > 1 && (
            <SelectField label="Queue" value={queueId} onChange={(e) => setQueueId(e.target.value)}>
              <option value="">All queues</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </SelectField>
          )}
        </div>
      </div>
      {error && !data ? (
        error instanceof ApiError && error.status === 404 ? (
          <p className="muted">This server does not report history yet.</p>
        ) : (
          <ErrorMessage error={error} />
        )
      ) : !data ? (
        <Loading what="history" />
      ) : data.buckets.length === 0 ? (
        <p className="empty">Nothing happened in this period.</p>
      ) : (
        <Chart history={data} hours={hours} />
      )}
    </section>
  );
}

// Drawing area in viewBox units; the SVG scales to the panel's width.
const W = 380;
const H = 180;
const PAD = { left: 34, right: 8, top: 10, bottom: 36 };

/** The smallest of 1, 2, 5 × 10ⁿ at or above `max`, so the axis reads in round numbers. */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= max) ?? 10;
  return step * magnitude;
}

function Chart({ history, hours }: { history: SupervisorHistory; hours: number }) {
  const id = useId();
  const { buckets } = history;
  const top = niceMax(Math.max(1, ...buckets.map((b) => Math.max(b.waiting, b.handled))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / buckets.length;
  const x = (i: number) => PAD.left + i * slot;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.ceil(buckets.length / 6);
  const ticks = [0, top / 2, top];
  const handled = buckets.reduce((s, b) => s + b.handled, 0);
  const peak = Math.max(0, ...buckets.map((b) => b.waiting));
  const line = buckets.map((b, i) => `${x(i) + slot / 2},${y(b.waiting)}`).join(' ');

  return (
    <figure className="sv-chart">
      <ul className="sv-legend" aria-hidden="true">
        <li>
          <span className="sv-legend__swatch sv-legend__swatch--handled" /> Handled (resolved in the interval)
        </li>
        <li>
          <span className="sv-legend__swatch sv-legend__swatch--waiting" /> Waiting (at the end of the
          interval)
        </li>
      </ul>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${handled} conversations handled and at most ${peak} waiting in the last ${hours} hours, in ${history.bucketMinutes}-minute intervals. The table that follows lists every interval.`}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="sv-chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="sv-chart__tick" x={PAD.left - 5} y={y(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => (
          <rect
            key={b.start}
            className="sv-chart__bar"
            x={x(i) + slot * 0.18}
            width={slot * 0.64}
            y={y(b.handled)}
            height={Math.max(0, PAD.top + plotH - y(b.handled))}
          >
            <title>{`${clockTime(b.start)}: ${b.handled} handled, ${b.waiting} waiting`}</title>
          </rect>
        ))}
        <polyline className="sv-chart__line" points={line} />
        {buckets.length <= 32 &&
          buckets.map((b, i) => (
            <circle key={b.start} className="sv-chart__dot" cx={x(i) + slot / 2} cy={y(b.waiting)} r={2.5} />
          ))}
        <line
          className="sv-chart__axis"
          x1={PAD.left}
          x2={W - PAD.right}
          y1={PAD.top + plotH}
          y2={PAD.top + plotH}
        />
        {buckets.map((b, i) =>
          i % labelEvery === 0 ? (
            <text
              key={b.start}
              className="sv-chart__tick"
              x={Math.min(W - PAD.right - 20, Math.max(PAD.left + 20, x(i) + slot / 2))}
              y={PAD.top + plotH + 14}
              textAnchor="middle"
            >
              {clockTime(b.start)}
            </text>
          ) : null,
        )}
        <text className="sv-chart__title" x={PAD.left + plotW / 2} y={H - 3} textAnchor="middle">
          Interval start (local time)
        </text>
        <text
          className="sv-chart__title"
          transform={`translate(11 ${PAD.top + plotH / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          Conversations
        </text>
      </svg>
      {/* Hidden by a wrapper: a table ignores its own width and overflow, and would widen a narrow page. */}
      <div className="visually-hidden">
        <table aria-labelledby={`${id}-caption`}>
          <caption id={`${id}-caption`}>
            Conversations per {history.bucketMinutes}-minute interval, last {hours} hours
          </caption>
          <thead>
            <tr>
              <th scope="col">Interval start</th>
              <th scope="col">Waiting at the end</th>
              <th scope="col">Handled</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{clockTime(b.start)}</th>
                <td>{b.waiting}</td>
                <td>{b.handled}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
