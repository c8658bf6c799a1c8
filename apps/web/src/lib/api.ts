import type { ErrorBody } from '@baton/contracts';

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

async function errorOf(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('Retry-After')) || null;
  try {
    const body = (await res.json()) as ErrorBody;
    return new ApiError(
      res.status,
      body.error.code,
      body.error.message,
      body.error.details ?? [],
      retryAfter,
    );
  } catch {
    return new ApiError(res.status, 'http_error', `The server answered ${res.status}.`, [], retryAfter);
  }
}

async function request<T>(method: Method, path: string, body?: unknown, retried = false): Promise<T> {
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
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
  const error = await errorOf(res);
  if (error.status === 401 && csrfToken && !path.startsWith('/auth/login')) hooks.onSessionEnded(error);
  if (error.code === 'auth.step_up_required' && !retried && (await hooks.onStepUpRequired(error.message))) {
    return request<T>(method, path, body, true);
  }
  throw error;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
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
