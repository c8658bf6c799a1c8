import type { UserSummary } from '@baton/contracts';
import { useState } from 'react';
import { isUuid } from '../../../lib/format';
import { Field, SelectField } from '../../../ui/forms';
import { Loading } from '../../../ui/Page';

/** Adds a member: a user chosen from the list, or a user id pasted when users cannot be listed. */
export function AddMember({
  candidates,
  loading,
  canListUsers,
  isMember,
  onAdd,
}: {
  /** Users who are not members yet; null when they cannot be listed. */
  candidates: UserSummary[] | null;
  loading: boolean;
  canListUsers: boolean;
  isMember: (userId: string) => boolean;
  onAdd: (userId: string) => void;
}) {
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const id = adding.trim();
    if (!isUuid(id)) return setError('Choose a user (or type a user id).');
    if (isMember(id)) return setError('That user is already a member.');
    onAdd(id);
    setAdding('');
    setError(null);
  };
  return (
    <>
      <div className="row setup-add">
        {loading ? (
          <Loading what="users" />
        ) : candidates ? (
          <SelectField label="Add a member" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a user…</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.email}){u.status === 'disabled' ? ' — disabled' : ''}
              </option>
            ))}
          </SelectField>
        ) : (
          <Field
            label="Add a member (user id)"
            value={adding}
            spellCheck={false}
            onChange={(e) => setAdding(e.target.value)}
            onKeyDown={(e) => {
              // Enter adds the member rather than saving the whole form.
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            hint={canListUsers ? undefined : 'You cannot list users, so paste the user’s id.'}
          />
        )}
        <button type="button" className="button" onClick={add} disabled={!adding}>
          Add
        </button>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
