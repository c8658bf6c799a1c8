import { ZUpdateUserRequest, type UserSummary } from '@baton/contracts';
import { useWatch } from 'react-hook-form';
import { showServerFieldErrors } from '../../../lib/form-errors';
import { Field } from '../../../ui/forms';
import { bindField, useContractForm } from '../../../lib/contract-form';

export function RenameForm({
  user,
  busy,
  onSave,
}: {
  user: UserSummary;
  busy: boolean;
  /** Rejects with the server's refusal, whose field error then shows beside the name. */
  onSave: (displayName: string) => Promise<unknown>;
}) {
  const form = useContractForm(ZUpdateUserRequest, { displayName: user.displayName });
  const name = (useWatch({ control: form.control, name: 'displayName' }) ?? '').trim();
  const changed = name !== '' && name !== user.displayName;
  const submit = form.handleSubmit(async ({ displayName }) => {
    try {
      await onSave(displayName);
    } catch (error) {
      showServerFieldErrors(error, ['displayName'], form.setError);
    }
  });
  return (
    <form className="people-inline-form" onSubmit={(e) => void submit(e)}>
      <Field label="Display name" required maxLength={120} {...bindField(form, 'displayName')} />
      <button type="submit" className="button" disabled={busy || !changed}>
        Save name
      </button>
    </form>
  );
}
