import { ZRecoveryVerified, ZSessionState } from '@baton/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { ErrorMessage, Field } from '../ui/forms';
import { AuthCard } from './AuthCard';
import { CodeField } from './CodeField';
import { useAuth } from './session';
import { useSubmit } from './use-submit';

/** The second factor at sign-in: a code from the authenticator app, or one of the recovery codes. */
export function MfaVerification() {
  const { setSession, signOut } = useAuth();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [remaining, setRemaining] = useState<number | null>(null);
  const { busy, error, run } = useSubmit();
  return (
    <AuthCard title="Two-factor authentication">
      <form
        className="stack"
        onSubmit={(e) =>
          run(e, async () => {
            if (useRecovery) {
              const result = await api.post('/auth/mfa/recovery', { code }, ZRecoveryVerified);
              setRemaining(result.remainingRecoveryCodes);
              // Say how many codes are left before moving on.
              window.setTimeout(() => setSession(result), 1500);
            } else {
              setSession(await api.post('/auth/mfa/verify', { code }, ZSessionState));
            }
          })
        }
      >
        {useRecovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            hint="One of the codes you saved when you set up two-factor authentication, such as abcde-fghij. Each works once."
            autoComplete="off"
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
          />
        ) : (
          <CodeField
            key="totp"
            hint="The 6-digit code from your authenticator app."
            autoFocus
            value={code}
            onChange={setCode}
          />
        )}
        <ErrorMessage error={error} />
        {remaining !== null && (
          <div className="alert alert--info" role="status">
            Recovery code accepted. {remaining} left — set up a new authenticator soon if you lost yours.
          </div>
        )}
        <button type="submit" className="button button--primary" disabled={busy || remaining !== null}>
          Verify
        </button>
        <button
          type="button"
          className="button button--link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
          }}
        >
          {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </button>
        <button type="button" className="button button--link" onClick={() => void signOut()}>
          Cancel and sign out
        </button>
      </form>
    </AuthCard>
  );
}
