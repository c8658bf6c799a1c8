import type { Logger } from 'pino';
import { isConnectionError } from '../redis/redis-errors.js';

/**
 * Listens to a BullMQ queue, worker or event stream's 'error' events: without a listener BullMQ prints
 * each one as a raw stack on stderr. Lost connections are left to `RedisService`, which logs one line
 * per outage; anything else is logged here as an error.
 */
export function logBullmqErrors(
  emitter: { on(event: 'error', listener: (err: Error) => void): unknown },
  logger: Logger,
  context: Record<string, unknown>,
): void {
  emitter.on('error', (err) => {
    if (!isConnectionError(err)) logger.error({ ...context, err }, 'job queue error');
  });
}
