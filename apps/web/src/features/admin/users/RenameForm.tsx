import type { UserSummary } from '@baton/contracts';
import { useState } from 'react';
import { Field } from '../../../ui/forms';

export function RenameForm({
  user,
  busy,
  onSave,
}: {
  user: UserSummary;
  busy: boolean;
  onSave: (displayName: string) => Promise<void>;
}) {
  const [name, setName] = useState(user.displayName);
  const changed = name.trim() !== '' && name.trim() !== user.displayName;
  return (
    <form
      className="people-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(name.trim());
      }}
    >
      <Field
        label="Display name"
        required
        maxLength={120}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="button" disabled={busy || !changed}>
        Save name
      </button>
    </form>
  );
}
