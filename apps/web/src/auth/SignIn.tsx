import type { MfaActivation, MfaEnrolment, SessionState } from '@baton/contracts';
import { lazy, Suspense, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../lib/api';
import { CheckboxField, ErrorMessage, Field } from '../ui/forms';
import { useAuth } from './session';

// Only the MFA enrolment step needs the QR encoder: it loads then, not with the login form.
const QrCode = lazy(() => import('./QrCode'));

/** Runs a form submit with a busy flag and the error kept for display. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (event: FormEvent, action: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="brand brand--large">Baton</div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** Login and each step a session must finish before it may do anything else. */
export function SignIn() {
  const { state, setSession } = useAuth();
  // The one-time password typed at login, so a forced change does not ask for it twice.
  const [typedPassword, setTypedPassword] = useState<string | null>(null);

  if (state.status === 'signed_out') {
    return <Login notice={state.notice} onPassword={setTypedPassword} />;
  }
  if (state.status !== 'signed_in') return null;
  switch (state.session.pending) {
    case 'mfa_verification':
      return <MfaVerification />;
    case 'password_change':
      return <PasswordChange currentPassword={typedPassword} />;
    case 'mfa_enrolment':
      return <MfaEnrolmentStep onDone={setSession} />;
    default:
      return null;
  }
}

function Login({ notice, onPassword }: { notice: string | null; onPassword: (password: string) => void }) {
  const { setSession } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  return (
    <Card title="Sign in">
      {notice && (
        <div className="alert alert--info" role="status">
          {notice}
        </div>
      )}
      <form
        className="stack"
        onSubmit={(e) =>
          run(e, async () => {
            const session = await api.post<SessionState>('/auth/login', { email, password });
            onPassword(password);
            setSession(session);
          })
        }
      >
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </Card>
  );
}

function MfaVerification() {
  const { setSession, signOut } = useAuth();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [remaining, setRemaining] = useState<number | null>(null);
  const { busy, error, run } = useSubmit();
  return (
    <Card title="Two-factor authentication">
      <form
        className="stack"
        onSubmit={(e) =>
          run(e, async () => {
            if (useRecovery) {
              const result = await api.post<SessionState & { remainingRecoveryCodes: number }>(
                '/auth/mfa/recovery',
                { code },
              );
              setRemaining(result.remainingRecoveryCodes);
              // Say how many codes are left before moving on.
              window.setTimeout(() => setSession(result), 1500);
            } else {
              setSession(await api.post<SessionState>('/auth/mfa/verify', { code }));
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
          <Field
            key="totp"
            label="Authentication code"
            hint="The 6-digit code from your authenticator app."
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
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
    </Card>
  );
}

function PasswordChange({ currentPassword }: { currentPassword: string | null }) {
  const { setSession, signOut } = useAuth();
  const [current, setCurrent] = useState(currentPassword ?? '');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, run } = useSubmit();
  const mismatch = repeat.length > 0 && next !== repeat;
  return (
    <Card title="Choose a new password">
      <p>
        This is your first sign-in with a one-time password, or your password must be changed. Choose your
        own.
      </p>
      <form
        className="stack"
        onSubmit={(e) =>
          run(e, async () => {
            if (next !== repeat) throw new Error('The two new passwords differ.');
            setSession(
              await api.post<SessionState>('/auth/password', { currentPassword: current, newPassword: next }),
            );
          })
        }
      >
        {currentPassword === null && (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
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
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <Field
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? 'The two passwords differ.' : null}
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="button button--primary" disabled={busy || mismatch}>
          Change password
        </button>
        <button type="button" className="button button--link" onClick={() => void signOut()}>
          Cancel and sign out
        </button>
      </form>
    </Card>
  );
}

function MfaEnrolmentStep({ onDone }: { onDone: (session: SessionState) => void }) {
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [activation, setActivation] = useState<(MfaActivation & { session: SessionState }) | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    api.post<MfaEnrolment>('/auth/mfa/enrolment').then(setEnrolment, setLoadError);
  }, []);

  if (activation) {
    const text = activation.recoveryCodes.join('\n');
    return (
      <Card title="Save your recovery codes">
        <p>
          If you lose your phone, each of these codes signs you in once. Store them somewhere safe — they are
          shown only now.
        </p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {activation.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <div className="actions">
          <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(text)}>
            Copy
          </button>
          <a
            className="button"
            download="baton-recovery-codes.txt"
            href={`data:text/plain;charset=utf-8,${encodeURIComponent(text + '\n')}`}
          >
            Download
          </a>
        </div>
        <CheckboxField
          label="I have saved my recovery codes"
          checked={saved}
          onChange={(e) => setSaved(e.target.checked)}
        />
        <button
          type="button"
          className="button button--primary"
          disabled={!saved}
          onClick={() => onDone(activation.session)}
        >
          Continue to Baton
        </button>
      </Card>
    );
  }

  return (
    <Card title="Set up two-factor authentication">
      <ErrorMessage error={loadError} />
      {enrolment && (
        <form
          className="stack"
          onSubmit={(e) =>
            run(e, async () => {
              setActivation(
                await api.post<MfaActivation & { session: SessionState }>('/auth/mfa/activation', { code }),
              );
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
          <Field
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
          />
          <ErrorMessage error={error} />
          <button type="submit" className="button button--primary" disabled={busy}>
            Turn on two-factor authentication
          </button>
        </form>
      )}
    </Card>
  );
}
