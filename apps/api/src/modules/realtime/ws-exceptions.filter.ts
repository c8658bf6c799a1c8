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
import {
  CommonErrorCode,
  DomainError,
  RateLimitedError,
  ServiceBusyError,
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

  catch(exception: unknown, host: ArgumentsHost): void {
    const [socket, , ack] = host.getArgs<[Socket, unknown, unknown]>();
    const error: SocketError['error'] =
      exception instanceof DomainError
        ? { code: exception.code, message: exception.message }
        : exception instanceof HttpException && exception.getStatus() < 500
          ? { code: `http_${exception.getStatus()}`, message: exception.message }
          : { code: CommonErrorCode.Internal, message: 'Something went wrong on our side.' };
    if (error.code === CommonErrorCode.Internal)
      this.logger.error({ err: exception, namespace: socket.nsp.name }, 'socket event failed');
    // The socket twin of `Retry-After`.
    if (exception instanceof RateLimitedError || exception instanceof ServiceBusyError)
      error.retryAfterSeconds = Math.max(1, Math.ceil(exception.retryAfterSeconds));
    if (typeof ack === 'function') (ack as (reply: SocketError) => void)({ error });
    else socket.emit('exception', { error });
  }
}
