import { Permission } from '@baton/authz';
import { AgentClientEvent, ZOkAck } from '@baton/contracts';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useCan } from '../../auth/session';
import { ask } from '../../lib/agent-socket';
import { useQuery } from '@tanstack/react-query';
import { cannedResponsesQuery } from '../../lib/queries';

const TYPING_IDLE_MS = 3000;

/** Typing indicators are best effort: a lost one is corrected by the next, or by the idle timeout. */
function sendTyping(conversationId: string, typing: boolean): void {
  void ask(AgentClientEvent.SetTyping, { conversationId, typing }, ZOkAck).catch(() => undefined);
}

/**
 * Reply or internal note. Typing `/` at the start lists canned responses; ↑/↓ pick, Enter or Tab
 * inserts. Enter sends, Shift+Enter breaks the line, Alt+N switches reply/note.
 */
export function Composer({
  conversationId,
  onSend,
}: {
  conversationId: string;
  onSend: (body: string, internal: boolean) => void;
}) {
  const canned = useQuery({ ...cannedResponsesQuery(), enabled: useCan(Permission.CannedResponseRead) });
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [pick, setPick] = useState(0);
  const typingSince = useRef<number | null>(null);
  const typingTimer = useRef<number | undefined>(undefined);
  const inputId = useId();
  const listId = useId();

  const query = /^\/(\S*)$/.exec(text)?.[1]?.toLowerCase();
  const suggestions =
    query === undefined ? [] : (canned.data ?? []).filter((c) => c.shortcut.startsWith(query)).slice(0, 8);

  const setTyping = (typing: boolean) => sendTyping(conversationId, typing);

  // Leaving the conversation stops "typing…" there.
  useEffect(
    () => () => {
      window.clearTimeout(typingTimer.current);
      if (typingSince.current !== null) sendTyping(conversationId, false);
    },
    [conversationId],
  );

  const changed = (value: string) => {
    setText(value);
    setPick(0);
    if (internal) return;
    // The customer sees "typing…" while keys are pressed, and it stops shortly after they stop.
    if (typingSince.current === null) setTyping(true);
    typingSince.current = Date.now();
    window.clearTimeout(typingTimer.current);
    typingTimer.current = window.setTimeout(() => {
      typingSince.current = null;
      setTyping(false);
    }, TYPING_IDLE_MS);
  };

  const insert = (body: string) => {
    setText(body);
    setPick(0);
  };

  const send = () => {
    const body = text.trim();
    if (!body) return;
    onSend(body, internal);
    setText('');
    window.clearTimeout(typingTimer.current);
    if (typingSince.current !== null) {
      typingSince.current = null;
      setTyping(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.altKey && e.key === 'n') {
      e.preventDefault();
      setInternal((v) => !v);
      return;
    }
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const chosen = suggestions[pick];
        if (chosen) insert(chosen.body);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  };

  return (
    <form
      className={`composer${internal ? ' composer--note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div className="composer__modes" role="radiogroup" aria-label="Message kind">
        <label>
          <input
            type="radio"
            name={`${inputId}-kind`}
            checked={!internal}
            onChange={() => setInternal(false)}
          />{' '}
          Reply to customer
        </label>
        <label>
          <input
            type="radio"
            name={`${inputId}-kind`}
            checked={internal}
            onChange={() => setInternal(true)}
          />{' '}
          Internal note
        </label>
      </div>
      <label htmlFor={inputId} className="visually-hidden">
        {internal ? 'Internal note (staff only)' : 'Reply'}
      </label>
      <textarea
        id={inputId}
        value={text}
        onChange={(e) => changed(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={
          internal ? 'Internal note — only staff see this' : 'Reply… (type / for canned responses)'
        }
        rows={3}
        aria-autocomplete="list"
        aria-controls={suggestions.length > 0 ? listId : undefined}
        aria-activedescendant={suggestions.length > 0 ? `${listId}-${pick}` : undefined}
      />
      {suggestions.length > 0 && (
        <ul id={listId} role="listbox" className="canned" aria-label="Canned responses">
          {suggestions.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === pick}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(c.body);
              }}
            >
              <code>/{c.shortcut}</code> {c.title}
            </li>
          ))}
        </ul>
      )}
      <div className="actions composer__send">
        <button type="submit" className="button button--primary" disabled={!text.trim()}>
          {internal ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}
