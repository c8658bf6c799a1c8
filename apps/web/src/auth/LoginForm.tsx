import { ZLoginRequest, ZSessionState } from '@baton/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { useContractForm } from '../lib/contract-form';
import { showServerFieldErrors } from '../lib/form-errors';
import { ErrorMessage, Field } from '../ui/forms';
import { AuthCard } from './AuthCard';
import { useAuth } from './session';

const FIELDS = ['email', 'password'] as const;

/** Email and password; `onPassword` keeps the typed password for a forced change right after. */
export function LoginForm({
  notice,
  onPassword,
}: {
  notice: string | null;
  onPassword: (password: string) => void;
}) {
  const { setSession } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const form = useContractForm(ZLoginRequest, { email: '', password: '' });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (credentials) => {
    setError(null);
    try {
      const session = await api.post('/auth/login', credentials, ZSessionState);
      onPassword(credentials.password);
      setSession(session);
    } catch (err) {
      showServerFieldErrors(err, FIELDS, form.setError);
      setError(err);
    }
  });

  return (
    <AuthCard title="Sign in">
      {notice && (
        <div className="alert alert--info" role="status">
          {notice}
        </div>
      )}
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          error={errors.email?.message}
          {...form.register('email')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password?.message}
          {...form.register('password')}
        />
        <ErrorMessage error={error} besideFields={FIELDS} />
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Sign in
        </button>
      </form>
    </AuthCard>
  );
}
