import { CommonErrorCode, type ErrorCode } from '@baton/contracts';

export { CommonErrorCode, type ErrorCode };

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on. The global filter turns it into
 * `{ error: { code, message, details }, requestId }` with its HTTP status.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(details: FieldProblem[]) {
    super(CommonErrorCode.ValidationFailed, 'The request is not valid.', 400, details);
  }
}

/** 429 with `Retry-After`: the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many attempts. Try again later.',
    code: ErrorCode = CommonErrorCode.RateLimited,
  ) {
    super(code, message, 429);
  }
}

/**
 * 503 with `Retry-After`: the server is saturated (more transactions waiting than it can start in
 * time); nothing was changed, and the same request may be sent again.
 */
export class ServiceBusyError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(CommonErrorCode.Busy, 'The server is busy. Try again shortly.', 503);
  }
}

/**
 * 503 with `Retry-After`: a service Baton needs for this request (Redis) cannot be reached right now.
 * Answered at once rather than after waiting for it; the same request may be sent again shortly.
 */
export class DependencyUnavailableError extends DomainError {
  readonly retryAfterSeconds = 5;
  constructor(readonly dependency: 'redis') {
    super(CommonErrorCode.ServiceUnavailable, 'The service is briefly unavailable. Try again shortly.', 503);
  }
}

/** Seconds the caller should wait before retrying (`Retry-After`), for the errors that say so. */
export function retryAfterSeconds(exception: unknown): number | undefined {
  if (
    exception instanceof RateLimitedError ||
    exception instanceof ServiceBusyError ||
    exception instanceof DependencyUnavailableError
  )
    return Math.max(1, Math.ceil(exception.retryAfterSeconds));
  return undefined;
}
