import { ZSetUserRolesRequest, type Role, type UserSummary } from '@baton/contracts';
import { Controller, useWatch } from 'react-hook-form';
import { useContractForm } from '../../../lib/contract-form';
import { showServerFieldErrors } from '../../../lib/form-errors';
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
  /** Rejects with the server's refusal, whose field error then shows beside the roles. */
  onSave: (roles: string[]) => Promise<unknown>;
}) {
  const form = useContractForm(ZSetUserRolesRequest, { roles: user.roles });
  const chosen = useWatch({ control: form.control, name: 'roles' }) ?? [];
  const changed = chosen.join(' ') !== user.roles.join(' ');
  const submit = form.handleSubmit(async ({ roles: names }) => {
    try {
      await onSave(names);
    } catch (error) {
      showServerFieldErrors(error, ['roles'], form.setError);
    }
  });
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <Controller
        control={form.control}
        name="roles"
        render={({ field, fieldState }) => (
          <>
            <RolePicker roles={roles} value={field.value} onChange={field.onChange} />
            {fieldState.error && <p className="field__error">{fieldState.error.message}</p>}
          </>
        )}
      />
      <p className="muted">
        Saving a role change signs the user out everywhere, so the new rights apply from their next sign-in.
        It needs a fresh authentication code.
      </p>
      <div className="actions">
        <button type="submit" className="button" disabled={busy || !changed}>
          Save roles
        </button>
        {changed && (
          <button type="button" className="button button--link" onClick={() => form.reset()}>
            Undo changes
          </button>
        )}
      </div>
    </form>
  );
}
