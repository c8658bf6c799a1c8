import type { AgentState, Presence } from '@baton/contracts';
import { AgentClientEvent, ZConversationAck, ZSetPresenceAck } from '@baton/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ask } from '../../lib/agent-socket';
import { navigate, usePath } from '../../lib/router';
import { ErrorMessage } from '../../ui/forms';
import { LoadMore } from '../../ui/LoadMore';
import { Empty } from '../../ui/Page';
import { ArrivalToasts } from './ArrivalToasts';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import './inbox.css';
import { isMuted, setMuted } from './notify';
import { OfferCard } from './OfferCard';
import { useInbox } from './use-inbox';
import { useNow } from '../../lib/use-now';

const PRESENCE_LABEL: Record<Presence, string> = {
  available: 'Available',
  away: 'Away',
  offline: 'Offline',
};

export default function InboxPage() {
  const [agent, setAgent] = useState<AgentState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [muted, setMutedState] = useState(isMuted);
  const [showKeys, setShowKeys] = useState(false);
  const { state, dispatch, open, send, retry, loadMoreWaiting, me } = useInbox(
    useCallback((s: AgentState) => setAgent(s), []),
  );
  const now = useNow();
  const path = usePath();
  const selectedId = path.startsWith('/inbox/') ? path.slice('/inbox/'.length) : null;

  const all = Object.values(state.conversations);
  const mine = all
    .filter((c) => c.status === 'assigned' && c.assigneeId === me)
    .sort((a, b) => (a.waitingSince ?? a.createdAt).localeCompare(b.waitingSince ?? b.createdAt));
  const waiting = all
    .filter((c) => c.status === 'queued')
    .sort((a, b) => b.priority - a.priority || (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
  const order = useMemo(() => [...mine, ...waiting].map((c) => c.id), [mine, waiting]);

  useEffect(() => {
    dispatch({ type: 'select', conversationId: selectedId });
    if (selectedId) open(selectedId).catch(setError);
  }, [selectedId, open, dispatch]);

  // An expired offer has moved on to someone else; the server says so later, the clock already knows.
  const offers = state.offers.filter((o) => Date.parse(o.expiresAt) > now);
  // The tab title counts unread messages and conversations that arrived and were not opened yet.
  const totalUnread = Object.values(state.unread).reduce((a, b) => a + b, 0) + state.arrived.length;
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Inbox · Baton` : 'Inbox · Baton';
    return () => {
      document.title = 'Baton';
    };
  }, [totalUnread]);

  const setPresence = async (presence: Presence) => {
    try {
      const result = await ask(AgentClientEvent.SetPresence, { presence }, ZSetPresenceAck);
      setAgent(result.state);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  // Alt+J / Alt+K move through the lists; Alt+A accepts the oldest offer; `?` shows the keys.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && e.target.closest('input, textarea, select');
      if (e.key === '?' && !typing) setShowKeys((v) => !v);
      if (!e.altKey) return;
      const step = e.key === 'j' ? 1 : e.key === 'k' ? -1 : 0;
      if (step !== 0 && order.length > 0) {
        e.preventDefault();
        const at = selectedId ? order.indexOf(selectedId) : -1;
        const next = order[(at + step + order.length) % order.length];
        if (next) navigate(`/inbox/${next}`);
      }
      if (e.key === 'a' && offers[0]) {
        e.preventDefault();
        const id = offers[0].conversation.id;
        ask(AgentClientEvent.AcceptOffer, { conversationId: id }, ZConversationAck).then(
          () => navigate(`/inbox/${id}`),
          setError,
        );
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [order, selectedId, offers]);

  const selected = selectedId ? state.conversations[selectedId] : undefined;

  return (
    <div className={`inbox${selectedId ? ' inbox--open' : ''}`}>
      <ArrivalToasts
        arrived={state.arrived.flatMap((id) => state.conversations[id] ?? [])}
        onDismiss={(id) => dispatch({ type: 'arrived.dismiss', conversationId: id })}
      />
      <aside className="inbox__lists" aria-label="Conversations">
        <div className="inbox__toolbar">
          <div role="group" aria-label="Presence" className="presence-switch">
            {(['available', 'away', 'offline'] as const).map((p) => (
              <button
                key={p}
                type="button"
                className={`button button--small${agent?.presence === p ? ' is-on' : ''}`}
                aria-pressed={agent?.presence === p}
                onClick={() => void setPresence(p)}
              >
                <span className={`dot dot--${p}`} aria-hidden="true" /> {PRESENCE_LABEL[p]}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="button button--small button--ghost"
            aria-pressed={muted}
            onClick={() => {
              setMuted(!muted);
              setMutedState(!muted);
            }}
            title="Sound and desktop notifications for new assignments"
          >
            {muted ? 'Sound off' : 'Sound on'}
          </button>
        </div>
        {agent && (
          <p className="muted small">
            Load {agent.activeCount} / {agent.capacity}
          </p>
        )}
        {agent?.presence === 'offline' && (
          <p className="alert alert--warn small" role="status">
            You are offline: no conversations are routed to you. Choose <strong>Available</strong> to start
            receiving them.
          </p>
        )}
        <ErrorMessage error={error} />
        {offers.map((offer) => (
          <OfferCard
            key={offer.conversation.id}
            offer={offer}
            now={now}
            onAccepted={(id) => navigate(`/inbox/${id}`)}
            onGone={(id) => dispatch({ type: 'offer.gone', conversationId: id })}
          />
        ))}
        <ConversationList
          title="My conversations"
          conversations={mine}
          selectedId={selectedId}
          unread={state.unread}
          previews={state.previews}
          me={me}
          now={now}
          empty="Nothing assigned to you right now."
        />
        <ConversationList
          title="Waiting in my queues"
          conversations={waiting}
          selectedId={selectedId}
          unread={state.unread}
          previews={state.previews}
          me={me}
          now={now}
          empty="No one is waiting."
        />
        {state.waitingCursor && <LoadMore label="Load more waiting" load={loadMoreWaiting} />}
        <button type="button" className="button button--link small" onClick={() => setShowKeys((v) => !v)}>
          Keyboard shortcuts
        </button>
        {showKeys && <Shortcuts />}
      </aside>
      <section className="inbox__view" aria-label="Conversation">
        {selectedId && (
          <button
            type="button"
            className="button button--small inbox__back"
            onClick={() => navigate('/inbox')}
          >
            <span aria-hidden="true">←</span> Back to conversations
          </button>
        )}
        {selected ? (
          <ConversationView
            key={selected.id}
            conversation={selected}
            me={me}
            messages={state.messages[selected.id] ?? []}
            brief={state.briefs[selected.id] ?? null}
            pending={state.pending.filter((p) => p.conversationId === selected.id)}
            customerTyping={Boolean(state.typing[selected.id])}
            withdrawn={Boolean(state.withdrawn[selected.id])}
            onSend={(body, internal) => send(selected.id, body, internal)}
            onRetry={retry}
          />
        ) : (
          <Empty>
            Pick a conversation on the left{mine.length + waiting.length === 0 ? ' when one arrives' : ''}.
          </Empty>
        )}
      </section>
    </div>
  );
}

function Shortcuts() {
  return (
    <dl className="shortcuts">
      <dt>Alt+J / Alt+K</dt>
      <dd>Next / previous conversation</dd>
      <dt>Alt+A</dt>
      <dd>Accept the oldest offer</dd>
      <dt>Enter</dt>
      <dd>Send (Shift+Enter: new line)</dd>
      <dt>Alt+N</dt>
      <dd>Switch between reply and internal note</dd>
      <dt>Alt+R</dt>
      <dd>Resolve</dd>
      <dt>/shortcut</dt>
      <dd>Insert a canned response</dd>
    </dl>
  );
}
