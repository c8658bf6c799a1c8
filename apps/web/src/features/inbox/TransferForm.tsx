import { ZConversation, type Conversation, type Presence, type TransferColleague } from '@baton/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../lib/api';
import { queuesQuery, transferColleaguesQuery } from '../../lib/queries';
import { ErrorMessage, SelectField } from '../../ui/forms';
import { Loading } from '../../ui/Page';
import './transfer.css';

type Target = 'queue' | 'colleague';

const PRESENCE: Record<Presence, string> = { available: 'Available', away: 'Away', offline: 'Offline' };

/**
 * Where a conversation goes: back to a queue (routing finds someone, never the agent who let go) or
 * straight to a colleague of its queue who is online, chosen by name, presence and load. A refusal
 * (the colleague went offline or filled up meanwhile) is shown here, so another can be chosen.
 */
export function TransferForm({
  conversation,
  onTransferred,
}: {
  conversation: Conversation;
  onTransferred: () => void;
}) {
  const [target, setTarget] = useState<Target>('queue');
  const [queueId, setQueueId] = useState('');
  const [userId, setUserId] = useState('');
  const queues = useQuery(queuesQuery());
  const colleagues = useQuery({
    ...transferColleaguesQuery(conversation.id),
    enabled: target === 'colleague',
  });
  const action = useMutation({
    mutationFn: () =>
      api.post(
        `/conversations/${conversation.id}/transfer`,
        target === 'queue' ? { toQueueId: queueId } : { toUserId: userId },
        ZConversation,
      ),
    onSuccess: onTransferred,
    // Whoever was refused may have changed: show the colleagues as they are now.
    onError: () => {
      if (target === 'colleague') void colleagues.refetch();
    },
  });
  const chosen = target === 'queue' ? queueId : userId;

  const submit = () => action.mutate();

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) void submit();
      }}
    >
      <fieldset className="transfer-choice">
        <legend>Transfer to</legend>
        {(['queue', 'colleague'] as const).map((kind) => (
          <label key={kind} className="checkbox">
            <input
              type="radio"
              name="transfer-target"
              value={kind}
              checked={target === kind}
              onChange={() => {
                setTarget(kind);
                action.reset();
              }}
            />
            {kind === 'queue' ? 'A queue' : 'A colleague'}
          </label>
        ))}
      </fieldset>

      {target === 'queue' ? (
        <SelectField label="Queue" required value={queueId} onChange={(e) => setQueueId(e.target.value)}>
          <option value="">Choose a queue…</option>
          {(queues.data ?? [])
            .filter((q) => !q.archived)
            .map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
                {q.id === conversation.queueId ? ' (its queue now)' : ''}
              </option>
            ))}
        </SelectField>
      ) : (
        <ColleagueChoice
          colleagues={colleagues.data ?? null}
          loading={colleagues.isFetching}
          error={colleagues.error}
          value={userId}
          onChange={setUserId}
        />
      )}

      <ErrorMessage error={action.error} />
      <button type="submit" className="button button--primary" disabled={!chosen || action.isPending}>
        Transfer
      </button>
    </form>
  );
}

function ColleagueChoice({
  colleagues,
  loading,
  error,
  value,
  onChange,
}: {
  colleagues: TransferColleague[] | null;
  loading: boolean;
  error: unknown;
  value: string;
  onChange: (userId: string) => void;
}) {
  if (error) return <ErrorMessage error={error} />;
  if (!colleagues) return loading ? <Loading what="colleagues" /> : null;
  if (colleagues.length === 0) {
    return <p className="empty">No colleague of this queue is online. Transfer to a queue instead.</p>;
  }
  return (
    <fieldset className="transfer-colleagues">
      <legend>Colleague (online members of this queue)</legend>
      {colleagues.map((c) => (
        <label key={c.userId} className={c.canTake ? 'transfer-colleague' : 'transfer-colleague is-full'}>
          <input
            type="radio"
            name="transfer-colleague"
            value={c.userId}
            checked={value === c.userId}
            disabled={!c.canTake}
            onChange={() => onChange(c.userId)}
          />
          <span className="transfer-colleague__name">{c.displayName}</span>
          <span className={c.presence === 'available' ? 'badge badge--ok' : 'badge badge--warn'}>
            {PRESENCE[c.presence]}
          </span>
          <span className="transfer-colleague__load" title="Conversations now / capacity">
            {c.activeCount}/{c.capacity}
            {c.canTake ? '' : ' — at capacity'}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
