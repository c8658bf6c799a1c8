import {
  ZMfaActivated,
  ZMfaEnrolment,
  type MfaActivated,
  type MfaEnrolment as Enrolment,
  type SessionState,
} from '@baton/contracts';
import { lazy, Suspense, useEffect, useState } from 'react';
import { api } from '../lib/api';
import { ErrorMessage } from '../ui/forms';
import { AuthCard } from './AuthCard';
import { CodeField } from './CodeField';
import { RecoveryCodes } from './RecoveryCodes';
import { useSubmit } from './use-submit';

// Only the MFA enrolment step needs the QR encoder: it loads then, not with the login form.
const QrCode = lazy(() => import('./QrCode'));

/** Two-factor enrolment a session must finish first: scan the secret, confirm a code, save the recovery codes. */
export function MfaEnrolment({ onDone }: { onDone: (session: SessionState) => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [activation, setActivation] = useState<MfaActivated | null>(null);
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    api.post('/auth/mfa/enrolment', {}, ZMfaEnrolment).then(setEnrolment, setLoadError);
  }, []);

  if (activation) {
    return <RecoveryCodes codes={activation.recoveryCodes} onContinue={() => onDone(activation.session)} />;
  }

  return (
    <AuthCard title="Set up two-factor authentication">
      <ErrorMessage error={loadError} />
      {enrolment && (
        <form
          className="stack"
          onSubmit={(e) =>
            run(e, async () => {
              setActivation(await api.post('/auth/mfa/activation', { code }, ZMfaActivated));
            })
          }
        >
          <p>Scan this code with an authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password…).</p>
          <Suspense fallback={<div className="qr" aria-hidden="true" />}>
            <QrCode value={enrolment.otpauthUri} label="QR code of your two-factor authentication secret" />
          </Suspense>
          <details>
            <summary>Can't scan? Enter the key by hand</summary>
            <code className="secret" data-testid="mfa-secret">
              {enrolment.secret}
            </code>
          </details>
          <CodeField label="Code from the app" value={code} onChange={setCode} />
          <ErrorMessage error={error} />
          <button type="submit" className="button button--primary" disabled={busy}>
            Turn on two-factor authentication
          </button>
        </form>
      )}
    </AuthCard>
  );
}
