import { z } from 'zod';
import { safeText } from './text.js';

const email = z.email().trim().toLowerCase().max(320);
/** Length limits only; the policy (common passwords, email) is checked by the server. */
const password = safeText().min(1).max(256);

export const ZLoginRequest = z.strictObject({ email, password });
export type LoginRequest = z.infer<typeof ZLoginRequest>;

/** What a session must still do before it may do anything else. */
export const ZPendingStep = z.enum(['mfa_verification', 'password_change', 'mfa_enrolment']);
export type PendingStep = z.infer<typeof ZPendingStep>;

/** Why a session ended: every deliberate end, and the timeouts the server enforces. */
export const ZSessionEndReason = z.enum([
  'logout',
  'logout_others',
  'password_changed',
  'user_disabled',
  'roles_changed',
  'mfa_reset',
  'ended_by_admin',
  'idle_timeout',
  'expired',
]);
export type SessionEndReason = z.infer<typeof ZSessionEndReason>;

/**
 * `session.ended` on `/agent`, sent to the session's sockets just before the server closes them:
 * the reason, and the sentence the sign-in screen shows for it.
 */
export const ZSessionEnded = z.object({ reason: ZSessionEndReason, message: z.string() });
export type SessionEnded = z.infer<typeof ZSessionEnded>;

export const ZSessionUser = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  mfaEnabled: z.boolean(),
});

/** Answer of login, `GET /auth/me` and every step of the sign-in flow. */
export const ZSessionState = z.object({
  user: ZSessionUser,
  pending: ZPendingStep.nullable(),
  /** Send back as `X-CSRF-Token` on every state-changing request. */
  csrfToken: z.string(),
  mfaVerifiedAt: z.iso.datetime().nullable(),
  /** A session with no request for this long is ended; the SPA warns a minute before. */
  idleTimeoutSeconds: z.number().int().min(60),
});
export type SessionState = z.infer<typeof ZSessionState>;

/** Answer of `GET /auth/session`: the SPA's first look, 200 whether or not anyone is signed in. */
/** On load: the session, or none; for a cookie whose session ended, why it ended. */
export const ZSessionProbe = z.object({ session: ZSessionState.nullable(), ended: ZSessionEnded.nullable() });
export type SessionProbe = z.infer<typeof ZSessionProbe>;

export const ZChangePasswordRequest = z.strictObject({
  currentPassword: password,
  newPassword: password,
});
export type ChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;

export const ZMfaCodeRequest = z.strictObject({
  code: safeText()
    .trim()
    .regex(/^\d{6}$/, 'must be the 6-digit code from the authenticator app'),
});
export type MfaCodeRequest = z.infer<typeof ZMfaCodeRequest>;

export const ZRecoveryCodeRequest = z.strictObject({
  code: safeText()
    .trim()
    .toLowerCase()
    .regex(/^[a-z2-7]{5}-?[a-z2-7]{5}$/, 'must be a recovery code such as abcde-fghij'),
});
export type RecoveryCodeRequest = z.infer<typeof ZRecoveryCodeRequest>;

export const ZMfaEnrolment = z.object({ secret: z.string(), otpauthUri: z.string() });
export type MfaEnrolment = z.infer<typeof ZMfaEnrolment>;

export const ZMfaActivation = z.object({ recoveryCodes: z.array(z.string()).length(10) });
export type MfaActivation = z.infer<typeof ZMfaActivation>;

/** Answer of `POST /auth/mfa/activation`: the recovery codes, shown once, and the session that follows. */
export const ZMfaActivated = ZMfaActivation.extend({ session: ZSessionState });
export type MfaActivated = z.infer<typeof ZMfaActivated>;

/** Answer of `POST /auth/mfa/recovery`: the session, and how many unused recovery codes are left. */
export const ZRecoveryVerified = ZSessionState.extend({ remainingRecoveryCodes: z.number().int().min(0) });
export type RecoveryVerified = z.infer<typeof ZRecoveryVerified>;

export const ZSessionInfo = z.object({
  id: z.string(),
  current: z.boolean(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export type SessionInfo = z.infer<typeof ZSessionInfo>;
