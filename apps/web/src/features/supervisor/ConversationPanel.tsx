import { Permission } from '@baton/authz';
import type { Conversation, Message } from '@baton/contracts';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useCan, useSession } from '../../auth/session';
import { messageLabel } from '../../lib/message-label';
import { ErrorMessage } from '../../ui/forms';
import { Loading } from '../../ui/Page';
import { RoutingDecisions } from './RoutingDecisions';
import { BargeIn, PriorityForm, ReassignForm, WhisperForm } from './SupervisorControls';
import { clockTime } from '../../lib/format';
import { isOpen, shortId, STATUS, type WallState } from './supervisor-utils';
import { useWatchedConversation } from './use-watched-conversation';
import { SinceClock, SlaDue } from './wall-parts';

/**
 * One conversation beside the wall: who has it and what was said, with the supervisor's tools
 * (watch silently, whisper, barge in, reassign, priority, routing explained), each shown only to
 * those allowed to use it.
 */
export function ConversationPanel({
  id,
  wall,
  members,
  connected,
  onClose,
  onChanged,
}: {
  id: string;
  wall: WallState;
  members: Record<string, string[]> | null;
  connected: boolean;
  onClose: () => void;
  onChanged: (conversation: Conversation) => void;
}) {
  const { user } = useSession();
  const canSupervise = useCan(Permission.ConversationSupervise);
  const canTransfer = useCan(Permission.ConversationTransfer);
  const view = useWatchedConversation(id);
  const { conversation } = view;
  const [reassigning, setReassigning] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // Keyboard users land in the panel they just opened.
  useEffect(() => heading.current?.focus(), []);

  const nameOf = (userId: string) =>
    wall.agents.find((a) => a.userId === userId)?.displayName ??
    (userId === user.id ? user.displayName : undefined);

  const changed = (c: Conversation) => {
    view.setConversation(c);
    onChanged(c);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // Escape inside a dialog closes the dialog only.
    if (e.key === 'Escape' && !(e.target as Element).closest('dialog')) onClose();
  };

  const assigneeName = conversation?.assigneeId
    ? (nameOf(conversation.assigneeId) ?? shortId(conversation.assigneeId))
    : null;
  const hasReply = view.messages.some((m) => m.authorKind === 'agent' && !m.internal);

  return (
    <aside className="panel sv-panel" aria-labelledby="sv-panel-title" onKeyDown={onKeyDown}>
      <div className="sv-panel__head">
        <h2 id="sv-panel-title" ref={heading} tabIndex={-1}>
          Conversation {shortId(id)}
        </h2>
        <button
          type="button"
          className="button button--ghost"
          aria-label="Close conversation"
          onClick={onClose}
        >
          ×
        </button>
      </div>

      {view.error ? (
        <ErrorMessage error={view.error} />
      ) : !conversation ? (
        <Loading what="the conversation" />
      ) : (
        <>
          <dl className="sv-facts">
            <div>
              <dt>Status</dt>
              <dd>
                <span className={STATUS[conversation.status].badge}>{STATUS[conversation.status].label}</span>
              </dd>
            </div>
            <div>
              <dt>Queue</dt>
              <dd>{wall.queues.find((q) => q.id === conversation.queueId)?.name ?? '—'}</dd>
            </div>
            <div>
              <dt>Assignee</dt>
              <dd>{assigneeName ?? <span className="muted">Nobody</span>}</dd>
            </div>
            <div>
              <dt>Priority</dt>
              <dd className="sv-num">{conversation.priority}</dd>
            </div>
            {conversation.status === 'queued' && conversation.waitingSince && (
              <div>
                <dt>Waiting</dt>
                <dd>
                  <SinceClock since={conversation.waitingSince} />
                </dd>
              </div>
            )}
            {isOpen(conversation) && !hasReply && conversation.firstResponseDueAt && (
              <div>
                <dt>First reply</dt>
                <dd>
                  <SlaDue dueAt={conversation.firstResponseDueAt} />
                </dd>
              </div>
            )}
          </dl>
          {(conversation.handoff.reason || conversation.handoff.summary) && (
            <p className="sv-handoff">
              <strong>Handed off:</strong> {conversation.handoff.reason}
              {conversation.handoff.reason && conversation.handoff.summary ? ' — ' : ''}
              {conversation.handoff.summary}
            </p>
          )}

          <div className="actions sv-panel__tools">
            <button
              type="button"
              className="button"
              aria-pressed={view.watching}
              onClick={() => view.setWatching(!view.watching)}
            >
              <span className={view.watching ? 'sv-dot sv-dot--live' : 'sv-dot'} aria-hidden="true" />
              Watch silently
            </button>
            {canTransfer &&
              isOpen(conversation) &&
              (conversation.status === 'queued' || canSupervise || conversation.assigneeId === user.id) && (
                <button
                  type="button"
                  className="button"
                  aria-expanded={reassigning}
                  onClick={() => {
                    setReassigning(!reassigning);
                    setNotice(null);
                  }}
                >
                  Reassign
                </button>
              )}
            {canSupervise &&
              conversation.status === 'assigned' &&
              assigneeName &&
              conversation.assigneeId !== user.id && (
                <BargeIn
                  conversationId={id}
                  assigneeName={assigneeName}
                  onSent={(m) => view.addMessages([m])}
                />
              )}
            {canSupervise && (
              <button
                type="button"
                className="button button--link"
                aria-expanded={explaining}
                onClick={() => setExplaining(!explaining)}
              >
                Why was this routed here?
              </button>
            )}
          </div>
          {view.watching && (
            <p className="muted sv-small" role="status">
              {connected
                ? 'Watching silently: new messages appear as they are written. Nobody is told.'
                : 'Watching resumes when the connection is back; missed messages are filled in then.'}
            </p>
          )}
          <ErrorMessage error={view.watchError} />
          {notice && (
            <p className="alert alert--ok" role="status">
              {notice}
            </p>
          )}

          {reassigning && (
            <ReassignForm
              conversation={conversation}
              agents={wall.agents}
              queues={wall.queues}
              memberIds={members && conversation.queueId ? (members[conversation.queueId] ?? null) : null}
              onCancel={() => setReassigning(false)}
              onDone={(c, to) => {
                changed(c);
                setReassigning(false);
                setNotice(`Reassigned to ${to}.`);
              }}
            />
          )}
          {explaining && (
            <section className="sv-subpanel" aria-label="Why was this routed here?">
              <RoutingDecisions
                conversationId={id}
                version={`${conversation.assigneeId}:${conversation.queueId}:${conversation.status}`}
                nameOf={nameOf}
              />
            </section>
          )}

          <h3 className="sv-panel__sub">Messages</h3>
          <MessageList messages={view.messages} watching={view.watching} me={user.id} />

          {canSupervise && isOpen(conversation) && (
            <>
              <WhisperForm conversationId={id} onSent={(m) => view.addMessages([m])} />
              <PriorityForm key={conversation.priority} conversation={conversation} onDone={changed} />
            </>
          )}
        </>
      )}
    </aside>
  );
}

function MessageList({ messages, watching, me }: { messages: Message[]; watching: boolean; me: string }) {
  const box = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);

  // Follow new messages only while the reader is at the bottom; never yank them away from what they read.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  if (messages.length === 0) return <p className="empty">No messages yet.</p>;

  return (
    <ol
      ref={box}
      className="sv-messages"
      role="log"
      aria-label="Messages"
      aria-live={watching ? 'polite' : 'off'}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {messages.map((m) => (
        <li key={m.seq} className={`sv-msg sv-msg--${m.authorKind} sv-msg--${m.kind}`}>
          <div className="sv-msg__meta">
            <strong>{messageLabel(m, me)}</strong>
            <time dateTime={m.createdAt} title={new Date(m.createdAt).toLocaleString()}>
              {clockTime(m.createdAt)}
            </time>
          </div>
          <p className="sv-msg__body">{m.body}</p>
        </li>
      ))}
    </ol>
  );
}
