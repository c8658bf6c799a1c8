import { isRedisUnavailable } from '../../redis/redis-errors.js';
import { DependencyUnavailableError } from './domain.error.js';

/** A failure to reach Redis becomes the 503 its callers are told about; anything else is left as it is. */
export function asDependencyFailure(exception: unknown): unknown {
  return isRedisUnavailable(exception) ? new DependencyUnavailableError('redis') : exception;
}
