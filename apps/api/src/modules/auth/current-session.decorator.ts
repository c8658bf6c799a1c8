import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthSession } from './session.service.js';

export type AuthenticatedRequest = Request & { auth?: AuthSession };

/** The session the access guard resolved for this request. */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): AuthSession => {
  const session = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!session) throw new Error('CurrentSession used on a route without a session rule');
  return session;
});
