import { Permission } from '@baton/authz';
import type { Conversation, Resolution } from '@baton/contracts';
import { useEffect, useState } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { navigate } from '../../lib/router';
import { Dialog } from '../../ui/Dialog';
import { SelectField } from '../../ui/forms';
import { TransferForm } from './TransferForm';

const RESOLUTIONS: { value: Resolution; label: string }[] = [
  { value: 'result_ok', label: 'Solved' },
  { value: 'result_nok', label: 'Not solved — customer unhappy' },
  { value: 'result_not_solved', label: 'Not solved — needs follow-up' },
  { value: 'result_banned', label: 'Abusive — ban' },
];

/** Transfer, resolve and hand back: what the assigned agent can do with the conversation. */
export function ConversationActions({
  conversation,
  onError,
}: {
  conversation: Conversation;
  onError: (error: unknown) => void;
}) {
  const canTransfer = useCan(Permission.ConversationTransfer);
  const canResolve = useCan(Permission.ConversationResolve);
  const [dialog, setDialog] = useState<'transfer' | 'resolve' | 'hand-back' | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key === 'r' && canResolve) {
        e.preventDefault();
        setDialog('resolve');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canResolve]);

  const act = async (path: string, body: unknown = {}) => {
    try {
      await api.post(`/conversations/${conversation.id}/${path}`, body);
      setDialog(null);
      navigate('/inbox');
    } catch (err) {
      setDialog(null);
      onError(err);
    }
  };

  return (
    <>
      {canTransfer && (
        <>
          <button type="button" className="button" onClick={() => setDialog('transfer')}>
            Transfer
          </button>
          <button type="button" className="button" onClick={() => setDialog('hand-back')}>
            Hand back to bot
          </button>
        </>
      )}
      {canResolve && (
        <button
          type="button"
          className="button button--primary"
          onClick={() => setDialog('resolve')}
          aria-keyshortcuts="Alt+R"
        >
          Resolve
        </button>
      )}
      <Dialog title="Transfer conversation" open={dialog === 'transfer'} onClose={() => setDialog(null)}>
        {dialog === 'transfer' && (
          <TransferForm
            conversation={conversation}
            onTransferred={() => {
              setDialog(null);
              navigate('/inbox');
            }}
          />
        )}
      </Dialog>
      <Dialog title="Resolve conversation" open={dialog === 'resolve'} onClose={() => setDialog(null)}>
        <ResolveForm onResolve={(resolution) => void act('resolve', { resolution })} />
      </Dialog>
      <Dialog title="Hand back to the bot?" open={dialog === 'hand-back'} onClose={() => setDialog(null)}>
        <p>The bot answers the customer's next messages; the conversation leaves your inbox.</p>
        <div className="actions">
          <button type="button" className="button" onClick={() => setDialog(null)}>
            Cancel
          </button>
          <button type="button" className="button button--primary" onClick={() => void act('hand-back')}>
            Hand back
          </button>
        </div>
      </Dialog>
    </>
  );
}

function ResolveForm({ onResolve }: { onResolve: (resolution: Resolution) => void }) {
  const [resolution, setResolution] = useState<Resolution>('result_ok');
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        onResolve(resolution);
      }}
    >
      <SelectField
        label="Outcome"
        value={resolution}
        onChange={(e) => setResolution(e.target.value as Resolution)}
        autoFocus
      >
        {RESOLUTIONS.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button button--primary">
        Resolve conversation
      </button>
    </form>
  );
}
