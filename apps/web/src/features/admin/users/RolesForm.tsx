import type { Role, UserSummary } from '@baton/contracts';
import { useState } from 'react';
import { RolePicker } from './RolePicker';

export function RolesForm({
  user,
  roles,
  busy,
  onSave,
}: {
  user: UserSummary;
  roles: Role[];
  busy: boolean;
  onSave: (roles: string[]) => Promise<void>;
}) {
  const [chosen, setChosen] = useState<string[]>(user.roles);
  const changed = chosen.join(' ') !== user.roles.join(' ');
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(chosen);
      }}
    >
      <RolePicker roles={roles} value={chosen} onChange={setChosen} />
      <p className="muted">
        Saving a role change signs the user out everywhere, so the new rights apply from their next sign-in.
        It needs a fresh authentication code.
      </p>
      <div className="actions">
        <button type="submit" className="button" disabled={busy || !changed}>
          Save roles
        </button>
        {changed && (
          <button type="button" className="button button--link" onClick={() => setChosen(user.roles)}>
            Undo changes
          </button>
        )}
      </div>
    </form>
  );
}
