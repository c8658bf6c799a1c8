import type { SessionEndReason, SessionEnded } from '@baton/contracts';

/**
 * What the sign-in screen tells someone whose session ended, by reason: sent with `session.ended`
 * to their open tabs and with the 401 (`auth.session_ended`) their next request gets.
 */
export const SESSION_ENDED_MESSAGES: Record<SessionEndReason, string> = {
  logout: 'You signed out in another tab or window.',
  logout_others: 'You signed out of your other sessions from another device.',
  password_changed: 'Your password was changed in another session. Sign in with the new password.',
  user_disabled: 'Your account was disabled by an administrator.',
  roles_changed: 'An administrator changed your roles. Sign in again to continue with your new access.',
  mfa_reset: 'An administrator reset your two-factor authentication. Sign in to set it up again.',
  ended_by_admin: 'An administrator ended your session. Sign in again to continue.',
  idle_timeout: 'Your session timed out after a period of inactivity. Sign in again to continue.',
  expired: 'Your session reached its maximum length. Sign in again to continue.',
};

/** The `session.ended` payload for `reason`. */
export function sessionEndedEvent(reason: SessionEndReason): SessionEnded {
  return { reason, message: SESSION_ENDED_MESSAGES[reason] };
}
