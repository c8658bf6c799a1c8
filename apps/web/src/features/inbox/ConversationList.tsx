import type { Conversation } from '@baton/contracts';
import { navigate } from '../../lib/router';
import { clockTime, formatDuration } from '../../lib/format';
import type { Preview } from './inbox-state';

const AUTHOR_PREFIX = { customer: '', bot: 'Bot: ', agent: 'Agent: ', system: '' } as const;

/** "now", "5 min", or the clock time for anything older than an hour. */
function when(iso: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${minutes} min`;
  return clockTime(iso);
}

/**
 * One of the inbox lists. Each row says who wrote and from where, their last words and when, and
 * whether anything is unread; the bot's summary is in the conversation's brief.
 */
export function ConversationList({
  title,
  conversations,
  selectedId,
  unread,
  previews,
  me,
  now,
  empty,
}: {
  title: string;
  conversations: Conversation[];
  selectedId: string | null;
  unread: Record<string, number>;
  previews: Record<string, Preview>;
  me: string;
  now: number;
  empty: string;
}) {
  return (
    <section className="conv-list" aria-label={title}>
      <h2>
        {title} <span className="badge">{conversations.length}</span>
      </h2>
      {conversations.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <ul>
          {conversations.map((c) => {
            const count = unread[c.id] ?? 0;
            const since = c.waitingSince ?? c.handoff.at ?? c.createdAt;
            const preview = previews[c.id];
            const last = preview?.lastMessage;
            const mine = last?.authorKind === 'agent' && c.assigneeId === me;
            return (
              <li key={c.id}>
                <a
                  href={`/inbox/${c.id}`}
                  className={`conv-item${count > 0 ? ' conv-item--unread' : ''}`}
                  aria-current={c.id === selectedId ? 'true' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/inbox/${c.id}`);
                  }}
                >
                  <span className="conv-item__top">
                    <span className="conv-item__title">
                      {preview?.channelName ? `Visitor on ${preview.channelName}` : 'Customer'}
                    </span>
                    {last && (
                      <time className="conv-item__time" dateTime={last.createdAt}>
                        {when(last.createdAt, now)}
                      </time>
                    )}
                  </span>
                  <span className="conv-item__preview">
                    {last
                      ? `${mine ? 'You: ' : AUTHOR_PREFIX[last.authorKind]}${last.body}`
                      : (c.handoff.summary ?? 'No messages yet')}
                  </span>
                  <span className="conv-item__meta">
                    {c.status === 'queued' && (
                      <span>waiting {formatDuration((now - Date.parse(since)) / 1000)}</span>
                    )}
                    {c.priority !== 0 && <span className="badge badge--warn">priority {c.priority}</span>}
                    {c.handoff.reason && (
                      <span className="badge">{c.handoff.reason.replaceAll('_', ' ')}</span>
                    )}
                    {count > 0 && (
                      <span className="badge badge--info" aria-label={`${count} unread`}>
                        {count} new
                      </span>
                    )}
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
