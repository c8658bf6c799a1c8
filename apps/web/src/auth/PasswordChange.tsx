import { ZChangePasswordRequest, ZSessionState, type ChangePasswordRequest } from '@baton/contracts';
import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { z } from 'zod';
import { api } from '../lib/api';
import { useContractForm } from '../lib/contract-form';
import { showServerFieldErrors } from '../lib/form-errors';
import { ErrorMessage, Field } from '../ui/forms';
import { AuthCard } from './AuthCard';
import { useAuth } from './session';

const MISMATCH = 'The two passwords differ.';

/** The contract's request, and the new password typed twice. */
const ZPasswordChangeForm = ZChangePasswordRequest.extend({ repeat: z.string() })
  .refine((v) => v.newPassword === v.repeat, { path: ['repeat'], message: MISMATCH })
  .transform(({ currentPassword, newPassword }): ChangePasswordRequest => ({ currentPassword, newPassword }));

const FIELDS = ['currentPassword', 'newPassword'] as const;

/**
 * A one-time or expired password is replaced before anything else; `currentPassword` is the one typed
 * at login, so it is not asked for twice.
 */
export function PasswordChange({ currentPassword }: { currentPassword: string | null }) {
  const { setSession, signOut } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const form = useContractForm(ZPasswordChangeForm, {
    currentPassword: currentPassword ?? '',
    newPassword: '',
    repeat: '',
  });
  const { errors, isSubmitting } = form.formState;
  const [next, repeat] = useWatch({ control: form.control, name: ['newPassword', 'repeat'] });
  const mismatch = repeat.length > 0 && next !== repeat;

  const submit = form.handleSubmit(async (request) => {
    setError(null);
    try {
      setSession(await api.post('/auth/password', request, ZSessionState));
    } catch (err) {
      showServerFieldErrors(err, FIELDS, form.setError);
      setError(err);
    }
  });

  return (
    <AuthCard title="Choose a new password">
      <p>
        This is your first sign-in with a one-time password, or your password must be changed. Choose your
        own.
      </p>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        {currentPassword === null && (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            error={errors.currentPassword?.message}
            {...form.register('currentPassword')}
          />
        )}
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters; common passwords and passwords containing your email are refused."
          minLength={12}
          required
          autoFocus
          error={errors.newPassword?.message}
          {...form.register('newPassword')}
        />
        <Field
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? MISMATCH : errors.repeat?.message}
          {...form.register('repeat')}
        />
        <ErrorMessage error={error} besideFields={FIELDS} />
        <button type="submit" className="button button--primary" disabled={isSubmitting || mismatch}>
          Change password
        </button>
        <button type="button" className="button button--link" onClick={() => void signOut()}>
          Cancel and sign out
        </button>
      </form>
    </AuthCard>
  );
}
