import type { Permission } from '@baton/authz';
import type { PendingStep } from '@baton/contracts';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKey } from '../../generated/prisma/client.js';

/**
 * A resolved, valid session and the user behind it, as of this request (resolved by the
 * access guard in `modules/auth`).
 */
export interface AuthSession {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions: ReadonlySet<Permission>;
  mfaEnabled: boolean;
  mfaVerifiedAt: Date | null;
  pending: PendingStep | null;
  /** The idle timeout in force when the session was last resolved, so clients can warn before it. */
  idleTimeoutMinutes: number;
}

export type AuthenticatedRequest = Request & { auth?: AuthSession; apiKey?: ApiKey };

/** The session the access guard resolved for this request. */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): AuthSession => {
  const session = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!session) throw new Error('CurrentSession used on a route without a session rule');
  return session;
});

/** The API key the access guard checked for this request (routes declared with `RequireApiKey`). */
export const CurrentApiKey = createParamDecorator((_: unknown, context: ExecutionContext): ApiKey => {
  const key = context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey;
  if (!key) throw new Error('CurrentApiKey used on a route without an API key rule');
  return key;
});
