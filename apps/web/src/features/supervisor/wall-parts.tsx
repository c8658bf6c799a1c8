import type { Conversation } from '@baton/contracts';
import { clockTime, formatWait } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { shortId, ticked } from './supervisor-utils';

/** A wait measured by the server at `at` (epoch ms), running on every second here. */
export function WaitClock({ seconds, at }: { seconds: number | null; at: number }) {
  const now = useNow();
  const value = ticked(seconds, at, now);
  if (value === null) return <span className="muted">—</span>;
  return <span className="sv-num">{formatWait(value)}</span>;
}

/** Time since an ISO instant, running every second. */
export function SinceClock({ since }: { since: string }) {
  const now = useNow();
  return (
    <time className="sv-num" dateTime={since} title={new Date(since).toLocaleString()}>
      {formatWait((now - Date.parse(since)) / 1000)}
    </time>
  );
}

/** The first-response deadline of a conversation still waiting for a reply. */
export function SlaDue({ dueAt }: { dueAt: string | null }) {
  const now = useNow();
  if (!dueAt) return null;
  const left = (Date.parse(dueAt) - now) / 1000;
  if (left <= 0) return <span className="badge badge--danger">Reply overdue {formatWait(-left)}</span>;
  return <span className="badge badge--warn">Reply due in {formatWait(left)}</span>;
}

/** activeCount / capacity as a bar; the numbers sit beside it as text, so the bar itself is decoration. */
export function LoadBar({ active, capacity }: { active: number; capacity: number }) {
  const ratio = capacity > 0 ? active / capacity : 0;
  const tone = ratio > 1 ? 'sv-bar--over' : ratio === 1 ? 'sv-bar--full' : '';
  return (
    <span className={`sv-bar ${tone}`} aria-hidden="true">
      <span className="sv-bar__fill" style={{ width: `${Math.min(1, ratio) * 100}%` }} />
    </span>
  );
}

/**
 * A conversation on the wall. Its name is only its short id, so it reads the same under a queue and
 * under an agent (and a browser test can follow it from one agent to the next).
 */
export function ConversationChip({
  id,
  conversation,
  selected,
  onOpen,
}: {
  id: string;
  conversation: Conversation | undefined;
  selected: boolean;
  onOpen: ((id: string) => void) | null;
}) {
  const details = conversation
    ? [
        `Priority ${conversation.priority}`,
        conversation.handoff.intent,
        conversation.waitingSince ? `waiting since ${clockTime(conversation.waitingSince)}` : null,
      ]
        .filter(Boolean)
        .join(' · ')
    : undefined;
  const urgent = conversation && conversation.priority > 0;
  const className = `sv-chip${selected ? ' sv-chip--selected' : ''}${urgent ? ' sv-chip--urgent' : ''}`;
  if (!onOpen) {
    return (
      <span className={className} title={details}>
        {shortId(id)}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={className}
      title={details ? `Open conversation · ${details}` : 'Open conversation'}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onOpen(id)}
    >
      {shortId(id)}
    </button>
  );
}
