import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { SocketError } from '@baton/contracts';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { asDependencyFailure } from '../../common/errors/dependency-failure.js';
import {
  CommonErrorCode,
  DependencyUnavailableError,
  DomainError,
  retryAfterSeconds,
} from '../../common/errors/domain.error.js';
import { LOGGER } from '../../logging/logging.module.js';

/**
 * Socket twin of the HTTP filter: the acknowledgement carries `{ error: { code, message } }`, never a
 * stack. What the client cannot be told (an internal error) is logged with its stack, as over HTTP.
 */
@Injectable()
@Catch()
export class WsExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(raised: unknown, host: ArgumentsHost): void {
    const [socket, , ack] = host.getArgs<[Socket, unknown, unknown]>();
    const exception = asDependencyFailure(raised);
    const error: SocketError['error'] =
      exception instanceof DomainError
        ? { code: exception.code, message: exception.message }
        : exception instanceof HttpException && exception.getStatus() < 500
          ? { code: `http_${exception.getStatus()}`, message: exception.message }
          : { code: CommonErrorCode.Internal, message: 'Something went wrong on our side.' };
    if (error.code === CommonErrorCode.Internal)
      this.logger.error({ err: exception, namespace: socket.nsp.name }, 'socket event failed');
    if (exception instanceof DependencyUnavailableError) {
      const cause = raised instanceof Error ? raised.message : String(raised);
      this.logger.warn(
        { namespace: socket.nsp.name, dependency: exception.dependency, cause },
        `socket event refused: ${exception.dependency} unavailable`,
      );
    }
    // The socket twin of `Retry-After`.
    const retryAfter = retryAfterSeconds(exception);
    if (retryAfter !== undefined) error.retryAfterSeconds = retryAfter;
    if (typeof ack === 'function') (ack as (reply: SocketError) => void)({ error });
    else socket.emit('exception', { error });
  }
}
