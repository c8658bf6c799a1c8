import { AuthErrorCode, ZErrorBody } from '@baton/contracts';
import { z } from 'zod';

/** A refused or failed request, with the server's error code and message (never a stack). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/**
 * The server answered, but not with the shape the shared contract describes (an API and SPA out of
 * step, or a proxy's page in place of JSON). Shown like any other failure, never used as data.
 */
export class ResponseShapeError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly issues: readonly { path: readonly PropertyKey[]; message: string }[],
  ) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
    super(
      `Baton's answer to ${method} ${path.split('?')[0]} was not understood${where}: ${first?.message ?? 'unexpected shape'}. Reload the page; if this persists, the server and this page are out of step.`,
    );
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Hooks {
  /**
   * The session is gone (revoked, timed out, signed out elsewhere): called once per 401 on a signed-in
   * client, with the error (`auth.session_ended` carries the reason in its message).
   */
  onSessionEnded(error: ApiError): void;
  /** A sensitive action needs a fresh MFA code; resolves true once the user confirmed one. */
  onStepUpRequired(message: string): Promise<boolean>;
}

let csrfToken: string | null = null;
let hooks: Hooks = { onSessionEnded: () => undefined, onStepUpRequired: async () => false };

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiHooks(next: Hooks): void {
  hooks = next;
}

/**
 * A privilege change (MFA confirmed, password or own roles changed) gives the session a new token and
 * CSRF token in that response's cookies; the CSRF cookie is readable, so every caller follows along.
 */
function csrfFromCookie(): string | null {
  const value = /(?:^|;\s*)(?:__Host-)?baton_csrf=([^;]+)/.exec(document.cookie)?.[1];
  return value ? decodeURIComponent(value) : null;
}

/** The error part of `ZErrorBody`: a refusal is read even from a layer that adds no request id. */
const ZErrorAnswer = z.object({ error: ZErrorBody.shape.error });

/** The server's refusal in a failed response, as the client throws it (also for downloads it does not parse). */
export async function errorOf(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('Retry-After')) || null;
  try {
    const body = ZErrorAnswer.safeParse(await res.json());
    if (body.success)
      return new ApiError(
        res.status,
        body.data.error.code,
        body.data.error.message,
        body.data.error.details ?? [],
        retryAfter,
      );
  } catch {
    // Not JSON (a proxy's page): answered below like any other unreadable error.
  }
  return new ApiError(res.status, 'http_error', `The server answered ${res.status}.`, [], retryAfter);
}

async function request(method: Method, path: string, body?: unknown, retried = false): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // The cookie first: another tab of this browser may have rotated the session meanwhile.
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfFromCookie() ?? csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Baton cannot be reached. Check your connection and try again.');
  }
  if (res.ok) {
    if (csrfToken) csrfToken = csrfFromCookie() ?? csrfToken;
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  }
  const error = await errorOf(res);
  if (error.status === 401 && csrfToken && !path.startsWith('/auth/login')) hooks.onSessionEnded(error);
  if (
    error.code === AuthErrorCode.StepUpRequired &&
    !retried &&
    (await hooks.onStepUpRequired(error.message))
  ) {
    return request(method, path, body, true);
  }
  throw error;
}

/** Checks an answer against its contract schema: the caller gets parsed data or a clear error. */
function parsed<S extends z.ZodType>(method: Method, path: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ResponseShapeError(method, path, result.error.issues);
  return result.data;
}

async function send(method: Method, path: string, body: unknown, schema?: z.ZodType): Promise<unknown> {
  const value = await request(method, path, body);
  return schema ? parsed(method, path, schema, value) : value;
}

/** GET and DELETE carry no body. */
interface Read {
  <S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>>;
  (path: string): Promise<unknown>;
}
interface Write {
  <S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>>;
  (path: string, body?: unknown): Promise<unknown>;
}

/**
 * The one HTTP client of the SPA. With a schema (from `@baton/contracts`) the answer is parsed and
 * typed by it, and a mismatch is a `ResponseShapeError`; without one the answer is `unknown` for
 * callers that do not read it (a 204, a ping).
 */
export const api = {
  get: ((path: string, schema?: z.ZodType) => send('GET', path, undefined, schema)) as Read,
  delete: ((path: string, schema?: z.ZodType) => send('DELETE', path, undefined, schema)) as Read,
  post: ((path: string, body: unknown = {}, schema?: z.ZodType) => send('POST', path, body, schema)) as Write,
  put: ((path: string, body: unknown, schema?: z.ZodType) => send('PUT', path, body, schema)) as Write,
  patch: ((path: string, body: unknown, schema?: z.ZodType) => send('PATCH', path, body, schema)) as Write,
};

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A client-chosen message id: sending twice with it stores one message. */
export function clientMessageId(): string {
  return crypto.randomUUID();
}
