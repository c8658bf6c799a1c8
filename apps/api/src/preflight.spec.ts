import { describe, expect, it } from 'vitest';
import { redisVersionProblem } from './preflight.js';

describe('the Redis version check', () => {
  const url = 'redis://127.0.0.1:6379';

  it('accepts Redis 7 and later', () => {
    expect(redisVersionProblem('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n', url)).toBe(
      undefined,
    );
    expect(redisVersionProblem('redis_version:8.2.1\r\n', url)).toBe(undefined);
  });

  it('refuses an older Redis, naming its version and what it lacks', () => {
    expect(redisVersionProblem('# Server\r\nredis_version:6.2.14\r\n', url)).toBe(
      'Redis 6.2.14 at 127.0.0.1:6379 is too old: Baton needs Redis 7 or later (sharded pub/sub).',
    );
  });

  it('lets a server that does not say its version through (its first command would fail clearly)', () => {
    expect(redisVersionProblem('# Server\r\n', url)).toBe(undefined);
  });
});
