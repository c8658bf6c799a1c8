import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorBody } from '@baton/contracts';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { currentRequestContext } from '../http/request-context.js';
import { asDependencyFailure } from './dependency-failure.js';
import {
  CommonErrorCode,
  DependencyUnavailableError,
  DomainError,
  type ErrorCode,
  retryAfterSeconds,
  ServiceBusyError,
} from './domain.error.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  [HttpStatus.BAD_REQUEST]: CommonErrorCode.ValidationFailed,
  [HttpStatus.UNAUTHORIZED]: CommonErrorCode.Unauthenticated,
  [HttpStatus.FORBIDDEN]: CommonErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: CommonErrorCode.NotFound,
  [HttpStatus.CONFLICT]: CommonErrorCode.Conflict,
  [HttpStatus.PAYLOAD_TOO_LARGE]: CommonErrorCode.PayloadTooLarge,
  [HttpStatus.TOO_MANY_REQUESTS]: CommonErrorCode.RateLimited,
  [HttpStatus.SERVICE_UNAVAILABLE]: CommonErrorCode.ServiceUnavailable,
};

function isUniqueViolation(exception: unknown): boolean {
  return (
    exception instanceof Error &&
    exception.name === 'PrismaClientKnownRequestError' &&
    (exception as Error & { code?: string }).code === 'P2002'
  );
}

/** The single place where errors become responses. Stack traces are logged, never sent. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(raised: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw raised;
    const exception = asDependencyFailure(raised);
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const requestId =
      currentRequestContext()?.requestId ?? String(request.headers['x-request-id'] ?? 'unknown');

    const { status, body } = this.toBody(exception, requestId);
    if (exception instanceof ServiceBusyError) {
      // Load shed on purpose, not a fault: one line, no stack (a storm would otherwise flood the log).
      this.logger.warn({ requestId, path: request.path }, 'request refused: busy');
    } else if (exception instanceof DependencyUnavailableError) {
      // Every request during an outage: one line each, what failed without the stack.
      const cause = raised instanceof Error ? raised.message : String(raised);
      this.logger.warn(
        { requestId, path: request.path, dependency: exception.dependency, cause },
        `request refused: ${exception.dependency} unavailable`,
      );
    } else if (status >= 500) {
      this.logger.error({ err: exception, requestId, path: request.path }, 'request failed');
    }
    // A streamed answer (an export) failed half-way: end the connection so the client sees it broke.
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const retryAfter = retryAfterSeconds(exception);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }

  private toBody(exception: unknown, requestId: string): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      const error = { code: exception.code, message: exception.message, details: exception.details };
      return { status: exception.status, body: { error, requestId } };
    }
    if (isUniqueViolation(exception)) {
      // Two requests creating the same name at once: the loser hears what a sequential caller would.
      const error = { code: CommonErrorCode.Conflict, message: 'That already exists.' };
      return { status: HttpStatus.CONFLICT, body: { error, requestId } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? CommonErrorCode.Internal : `http_${status}`);
      // Nest's built-in messages (e.g. "Cannot GET /x") are safe; anything else from a 5xx is not shown.
      const message = status >= 500 ? 'Something went wrong on our side.' : exception.message;
      return { status, body: { error: { code, message }, requestId } };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: {
        error: { code: CommonErrorCode.Internal, message: 'Something went wrong on our side.' },
        requestId,
      },
    };
  }
}
