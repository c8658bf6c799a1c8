import { ZSecuritySettings, type SecuritySettings, type SecuritySettingsPatch } from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useWatch } from 'react-hook-form';
import { api } from '../../../lib/api';
import { useContractForm } from '../../../lib/contract-form';
import { showServerFieldErrors } from '../../../lib/form-errors';
import { CheckboxField, ErrorMessage, Field } from '../../../ui/forms';
import {
  FIELDS,
  NUMBER_FIELDS,
  ZSettingsForm,
  inputOf,
  patchOf,
  rangeOf,
  type SettingsInput,
} from './settings-form';

export function SettingsForm({
  saved,
  notice,
  onSaved,
}: {
  saved: SecuritySettings;
  notice: string;
  onSaved: (next: SecuritySettings) => void;
}) {
  const form = useContractForm(ZSettingsForm, inputOf(saved), 'onChange');
  const { errors, isValid } = form.formState;
  const action = useMutation({
    mutationFn: (body: SecuritySettingsPatch) => api.patch('/settings/security', body, ZSecuritySettings),
    onSuccess: onSaved,
    onError: (error) => showServerFieldErrors(error, FIELDS, form.setError),
  });

  const values = useWatch({ control: form.control }) as SettingsInput;
  const patch = patchOf(values, saved);
  const changed = Object.keys(patch).length > 0;
  const idleBeyondSession =
    !errors.sessionIdleMinutes &&
    !errors.sessionAbsoluteHours &&
    Number(values.sessionIdleMinutes) > Number(values.sessionAbsoluteHours) * 60;

  const submit = form.handleSubmit((parsed) => {
    const body = patchOf(inputOf(parsed), saved);
    if (Object.keys(body).length > 0) action.mutate(body);
  });

  const discard = () => {
    form.reset(inputOf(saved));
    action.reset();
  };

  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Sign-in and sessions</h2>
      <div className="stack">
        <CheckboxField
          label="Require MFA for every user"
          {...form.register('mfaRequiredForAll')}
          aria-describedby="people-mfa-note"
        />
        <p id="people-mfa-note" className="field__hint">
          Admins, supervisors and anyone holding a critical permission always need MFA. With this on, everyone
          else without an authenticator is asked to set one up before they can continue working.
        </p>
        {errors.mfaRequiredForAll?.message && (
          <p className="field__error">{errors.mfaRequiredForAll.message}</p>
        )}
      </div>
      <div className="people-settings-grid">
        {NUMBER_FIELDS.map(({ key, label, unit, help }) => {
          const { min, max } = rangeOf(key);
          const error = errors[key];
          return (
            <Field
              key={key}
              label={`${label} (${unit})`}
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              step={1}
              required
              {...form.register(key)}
              // The server's own words when it refused the value; ours for what the contract rejects.
              error={
                error?.type === 'server'
                  ? (error.message ?? null)
                  : error
                    ? `Enter a whole number from ${min} to ${max}.`
                    : null
              }
              hint={`${help} Allowed: ${min}–${max} ${unit}.`}
            />
          );
        })}
      </div>
      {idleBeyondSession && (
        <div className="alert alert--warn">
          The idle timeout is longer than the maximum session length, so sessions always end at the maximum
          length first.
        </div>
      )}
      <p role="status" className={notice && !changed ? 'alert alert--ok' : undefined}>
        {!changed ? notice : ''}
      </p>
      <ErrorMessage error={action.error} besideFields={FIELDS} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={action.isPending || !isValid || !changed}
        >
          {action.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {changed && (
          <button type="button" className="button" onClick={discard}>
            Discard changes
          </button>
        )}
        <span className="muted">
          Saving needs a fresh authentication code and is recorded in the audit log.
        </span>
      </div>
    </form>
  );
}
