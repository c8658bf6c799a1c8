import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who is acting, as the audit trail records it (a snapshot: later role changes do not rewrite history). */
export interface Actor {
  id: string;
  email: string;
  roles: string[];
}

export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** Set once the request is authenticated. */
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the HTTP request or socket event being handled, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

const VALID_INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Reuses a caller's `X-Request-Id` when it is well-formed (for tracing through proxies), else makes one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && VALID_INCOMING_ID.test(value) ? value : randomUUID();
}
