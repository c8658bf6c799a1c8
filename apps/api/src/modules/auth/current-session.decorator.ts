import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKey } from '../../generated/prisma/client.js';
import type { AuthSession } from './session.service.js';

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
