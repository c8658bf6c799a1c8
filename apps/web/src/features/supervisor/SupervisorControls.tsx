import {
  ZConversation,
  ZMessage,
  type Conversation,
  type Message,
  type PriorityRequest,
  type SendMessageRequest,
  type TransferRequest,
} from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, clientMessageId } from '../../lib/api';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage, Field, SelectField, TextAreaField } from '../../ui/forms';
import { PRESENCE, type LiveQueue, type OverviewAgent } from './supervisor-utils';

/** Form submits and Ctrl+Enter both only need the default prevented. */
interface Submit {
  preventDefault(): void;
}

/**
 * A message body with a client id kept until it is stored: sending again after a lost answer
 * stores it once (the server is idempotent on `clientMessageId`).
 */
function useOutgoing() {
  const [body, setText] = useState('');
  const pendingId = useRef<string | null>(null);
  // Edited text is a new message.
  const setBody = (text: string) => {
    pendingId.current = null;
    setText(text);
  };
  // No `internal` flag: the endpoint decides (a whisper is always internal, barging in never is).
  const request = (): Pick<SendMessageRequest, 'body' | 'clientMessageId'> => {
    pendingId.current ??= clientMessageId();
    return { body: body.trim(), clientMessageId: pendingId.current };
  };
  const sent = () => {
    pendingId.current = null;
    setText('');
  };
  return { body, setBody, request, sent };
}

/** A note only staff see, for the agent on the conversation. */
export function WhisperForm({
  conversationId,
  onSent,
}: {
  conversationId: string;
  onSent: (message: Message) => void;
}) {
  const out = useOutgoing();
  const action = useMutation({
    mutationFn: () => api.post(`/conversations/${conversationId}/whisper`, out.request(), ZMessage),
    onSuccess: (message) => {
      out.sent();
      onSent(message);
    },
  });
  const submit = (e: Submit) => {
    e.preventDefault();
    if (out.body.trim()) action.mutate();
  };
  return (
    <form className="stack sv-tight" onSubmit={submit}>
      <TextAreaField
        label="Whisper to the agent"
        hint="Staff only: the customer never sees a whisper."
        value={out.body}
        maxLength={10_000}
        rows={2}
        onChange={(e) => out.setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
        }}
      />
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={action.isPending || !out.body.trim()}
        >
          {action.isPending ? 'Sending…' : 'Send whisper'}
        </button>
        <span className="muted sv-small">Ctrl + Enter sends</span>
      </div>
    </form>
  );
}

/** Writing to the customer in someone else's conversation: confirmed in a dialog that says so. */
export function BargeIn({
  conversationId,
  assigneeName,
  onSent,
}: {
  conversationId: string;
  assigneeName: string;
  onSent: (message: Message) => void;
}) {
  const [open, setOpen] = useState(false);
  const out = useOutgoing();
  const action = useMutation({
    mutationFn: () => api.post(`/conversations/${conversationId}/barge-in`, out.request(), ZMessage),
    onSuccess: (message) => {
      out.sent();
      onSent(message);
      setOpen(false);
    },
  });
  const close = () => {
    setOpen(false);
    action.reset();
  };
  const submit = (e: Submit) => {
    e.preventDefault();
    action.mutate();
  };
  return (
    <>
      <button type="button" className="button button--danger" onClick={() => setOpen(true)}>
        Barge in…
      </button>
      <Dialog title="Barge in" open={open} onClose={close}>
        <form className="stack" onSubmit={submit}>
          <p className="alert alert--warn">
            Your message goes to the customer, under your name, in a conversation assigned to{' '}
            <strong>{assigneeName}</strong>. {assigneeName} stays assigned and sees it too.
          </p>
          <TextAreaField
            label="Message to the customer"
            value={out.body}
            maxLength={10_000}
            required
            autoFocus
            onChange={(e) => out.setBody(e.target.value)}
          />
          <ErrorMessage error={action.error} />
          <div className="actions">
            <button
              type="submit"
              className="button button--danger"
              disabled={action.isPending || !out.body.trim()}
            >
              {action.isPending ? 'Sending…' : 'Send to the customer'}
            </button>
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/** Moves the conversation to another agent of its queue, or to another queue. */
export function ReassignForm({
  conversation,
  agents,
  queues,
  memberIds,
  onDone,
  onCancel,
}: {
  conversation: Conversation;
  agents: OverviewAgent[];
  queues: LiveQueue[];
  /** Members of the conversation's queue when known; only they can take it. */
  memberIds: string[] | null;
  onDone: (conversation: Conversation, toName: string) => void;
  onCancel: () => void;
}) {
  const [target, setTarget] = useState('');
  const action = useMutation({
    mutationFn: (body: TransferRequest) =>
      api.post(`/conversations/${conversation.id}/transfer`, body, ZConversation),
    onSuccess: (result) => onDone(result, agent?.displayName ?? queue?.name ?? 'the new owner'),
  });
  const candidates = agents.filter(
    (a) => a.userId !== conversation.assigneeId && (!memberIds || memberIds.includes(a.userId)),
  );
  const otherQueues = queues.filter((q) => q.id !== conversation.queueId);
  const [kind, id] = target.split(':') as ['user' | 'queue' | '', string | undefined];
  const agent = kind === 'user' ? agents.find((a) => a.userId === id) : undefined;
  const queue = kind === 'queue' ? queues.find((q) => q.id === id) : undefined;

  const submit = (e: Submit) => {
    e.preventDefault();
    if (id) action.mutate(kind === 'user' ? { toUserId: id } : { toQueueId: id });
  };

  return (
    <form className="sv-subpanel stack sv-tight" onSubmit={submit}>
      <SelectField label="Reassign to" value={target} required onChange={(e) => setTarget(e.target.value)}>
        <option value="" disabled>
          Choose an agent or a queue…
        </option>
        {candidates.length > 0 && (
          <optgroup label={memberIds ? 'Agents of this queue' : 'Agents'}>
            {candidates.map((a) => (
              <option key={a.userId} value={`user:${a.userId}`}>
                {a.displayName}
              </option>
            ))}
          </optgroup>
        )}
        {otherQueues.length > 0 && (
          <optgroup label="Another queue">
            {otherQueues.map((q) => (
              <option key={q.id} value={`queue:${q.id}`}>
                {q.name}
              </option>
            ))}
          </optgroup>
        )}
      </SelectField>
      <p className="muted sv-small" aria-live="polite">
        {agent
          ? `${agent.displayName} is ${PRESENCE[agent.presence].label.toLowerCase()} with ${agent.activeCount} of ${agent.capacity} conversations.${agent.presence === 'available' ? '' : ' It is assigned all the same.'}`
          : queue
            ? `It goes back to waiting in ${queue.name} (${queue.waiting} waiting), and routing picks its agent.`
            : candidates.length === 0 && otherQueues.length === 0
              ? 'There is nobody else to give it to.'
              : 'An agent gets it at once, whatever their load; a queue routes it again.'}
      </p>
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.isPending || !id}>
          {action.isPending ? 'Reassigning…' : 'Reassign conversation'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Higher priority is served first when the conversation waits in its queue. */
export function PriorityForm({
  conversation,
  onDone,
}: {
  conversation: Conversation;
  onDone: (conversation: Conversation) => void;
}) {
  const [value, setValue] = useState(String(conversation.priority));
  const action = useMutation({
    mutationFn: (body: PriorityRequest) =>
      api.put(`/conversations/${conversation.id}/priority`, body, ZConversation),
    onSuccess: onDone,
  });
  const parsed = Number(value);
  const valid = value.trim() !== '' && Number.isInteger(parsed) && parsed >= -100 && parsed <= 100;
  const submit = (e: Submit) => {
    e.preventDefault();
    if (valid) action.mutate({ priority: parsed });
  };
  return (
    <form className="sv-priority" onSubmit={submit}>
      <Field
        label="Priority"
        type="number"
        min={-100}
        max={100}
        step={1}
        value={value}
        hint="−100 to 100; higher is served first."
        error={valid ? null : 'A whole number from −100 to 100.'}
        onChange={(e) => setValue(e.target.value)}
      />
      <button
        type="submit"
        className="button"
        disabled={action.isPending || !valid || parsed === conversation.priority}
      >
        Set priority
      </button>
      <ErrorMessage error={action.error} />
    </form>
  );
}
