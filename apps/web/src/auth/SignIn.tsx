import { useState } from 'react';
import { LoginForm } from './LoginForm';
import { MfaEnrolment } from './MfaEnrolment';
import { MfaVerification } from './MfaVerification';
import { PasswordChange } from './PasswordChange';
import { useAuth } from './session';

/** Login and each step a session must finish before it may do anything else. */
export function SignIn() {
  const { state, setSession } = useAuth();
  // The one-time password typed at login, so a forced change does not ask for it twice.
  const [typedPassword, setTypedPassword] = useState<string | null>(null);

  if (state.status === 'signed_out') {
    return <LoginForm notice={state.notice} onPassword={setTypedPassword} />;
  }
  if (state.status !== 'signed_in') return null;
  switch (state.session.pending) {
    case 'mfa_verification':
      return <MfaVerification />;
    case 'password_change':
      return <PasswordChange currentPassword={typedPassword} />;
    case 'mfa_enrolment':
      return <MfaEnrolment onDone={setSession} />;
    default:
      return null;
  }
}
