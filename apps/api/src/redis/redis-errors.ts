/**
 * What ioredis rejects a command with when Redis is out of reach (as opposed to a reply error such
 * as WRONGTYPE): the connection is down, a command timed out, or retries ran out.
 */
const UNAVAILABLE = [
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Connection is closed.',
];

export function isRedisUnavailable(error: unknown): boolean {
  return (
    error instanceof Error &&
    (UNAVAILABLE.includes(error.message) || error.name === 'MaxRetriesPerRequestError')
  );
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A connection's own failure (as ioredis and BullMQ emit on 'error'), which {@link RedisService} reports. */
export function isConnectionError(error: unknown): boolean {
  return (
    isRedisUnavailable(error) ||
    (error instanceof Error && CONNECTION_CODES.has((error as NodeJS.ErrnoException).code ?? ''))
  );
}
