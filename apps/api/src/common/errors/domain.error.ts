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
