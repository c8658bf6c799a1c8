import { Permission } from '@baton/authz';
import type { Conversation, HandoffBrief, Message } from '@baton/contracts';
import { useState } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { ErrorMessage } from '../../ui/forms';
import { Composer } from './Composer';
import { ConversationActions } from './ConversationActions';
import { CustomerPanel } from './CustomerPanel';
import type { PendingMessage } from './inbox-state';
import { MessageItem } from './MessageItem';
import { useStickToBottom } from './use-stick-to-bottom';

const AUTHOR_LABEL: Record<Message['authorKind'], string> = {
  customer: 'Customer',
  bot: 'Bot',
  agent: 'Agent',
  system: 'System',
};

export function ConversationView({
  conversation,
  me,
  messages,
  brief,
  pending,
  customerTyping,
  withdrawn,
  onSend,
  onRetry,
}: {
  conversation: Conversation;
  me: string;
  messages: Message[];
  brief: HandoffBrief | null;
  pending: PendingMessage[];
  customerTyping: boolean;
  /** No longer visible to me: kept on screen as it was, read-only. */
  withdrawn: boolean;
  onSend: (body: string, internal: boolean) => void;
  onRetry: (p: PendingMessage) => void;
}) {
  const canReply = useCan(Permission.ConversationReply);
  const canClaim = useCan(Permission.ConversationClaim);
  const [error, setError] = useState<unknown>(null);
  const mine = !withdrawn && conversation.status === 'assigned' && conversation.assigneeId === me;
  const { scroller, unseen, toEnd } = useStickToBottom<HTMLDivElement>(messages.length + pending.length);

  const claim = async () => {
    try {
      await api.post(`/conversations/${conversation.id}/claim`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="conversation">
      <div className="conversation__main" ref={scroller}>
        <header className="conversation__header">
          <div>
            <h1>{conversation.handoff.summary ?? 'Conversation'}</h1>
            <p className="muted small">
              <span className={`badge badge--${conversation.status === 'assigned' ? 'ok' : 'info'}`}>
                {conversation.status}
              </span>{' '}
              priority {conversation.priority}
              {conversation.firstResponseDueAt && conversation.status !== 'resolved' && (
                <> · first reply due {new Date(conversation.firstResponseDueAt).toLocaleTimeString()}</>
              )}
            </p>
          </div>
          <div className="actions">
            {conversation.status === 'queued' && canClaim && !withdrawn && (
              <button type="button" className="button button--primary" onClick={() => void claim()}>
                Claim
              </button>
            )}
            {mine && <ConversationActions conversation={conversation} onError={setError} />}
          </div>
        </header>
        <ErrorMessage error={error} />
        {brief && <HandoffSummary brief={brief} />}
        <ol className="messages" aria-label="Messages" aria-live="polite">
          {messages.map((m) => (
            <MessageItem key={m.seq} message={m} me={me} />
          ))}
          {pending.map((p) => (
            <li
              key={p.clientMessageId}
              className={`message message--agent message--mine${p.internal ? ' message--note' : ''}`}
            >
              <div className="message__meta">
                {p.internal ? 'Internal note · ' : ''}You ·{' '}
                {p.failed ? (
                  <span className="delivery delivery--failed">
                    not sent: {p.failed}{' '}
                    <button type="button" className="button button--link" onClick={() => onRetry(p)}>
                      Retry
                    </button>
                  </span>
                ) : (
                  <span className="delivery">sending…</span>
                )}
              </div>
              <div className="message__body">{p.body}</div>
            </li>
          ))}
        </ol>
        {customerTyping && (
          <p className="typing" role="status">
            The customer is typing…
          </p>
        )}
        <div className="conversation__footer">
          {unseen && (
            <button type="button" className="button button--small new-messages" onClick={toEnd}>
              New messages ↓
            </button>
          )}
          {canReply && mine ? (
            <Composer conversationId={conversation.id} onSend={onSend} />
          ) : (
            <p className="muted small composer-hint" role={withdrawn ? 'status' : undefined}>
              {withdrawn
                ? 'This conversation has left your queues: you no longer follow it.'
                : conversation.status === 'queued'
                  ? 'Claim the conversation to reply.'
                  : conversation.status === 'assigned'
                    ? 'Another agent holds this conversation.'
                    : `This conversation is ${conversation.status}.`}
            </p>
          )}
        </div>
      </div>
      <CustomerPanel conversation={conversation} />
    </div>
  );
}

function HandoffSummary({ brief }: { brief: HandoffBrief }) {
  return (
    <section className="handoff" aria-label="Handoff">
      <h2>Why it came to you</h2>
      <dl className="handoff__facts">
        <dt>Reason</dt>
        <dd>{brief.reason?.replaceAll('_', ' ') ?? '—'}</dd>
        <dt>Intent</dt>
        <dd>{brief.intent ?? '—'}</dd>
        <dt>Summary</dt>
        <dd>{brief.summary ?? '—'}</dd>
      </dl>
      {brief.transcript.length > 0 && (
        <details>
          <summary>Before the handoff ({brief.transcript.length} lines with the bot)</summary>
          <ol className="transcript">
            {brief.transcript.map((line, i) => (
              <li key={i}>
                <strong>{AUTHOR_LABEL[line.author]}:</strong> {line.text}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
