import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Env } from '../../config/env.schema.js';

/**
 * `APP_SECRET`, then `APP_SECRET_PREVIOUS` while a rotation's grace period lasts: what is signed or
 * hashed is made with the first only, and accepted under either, so sessions, visitor tokens, device
 * cookies, API keys and recovery codes made before the rotation keep working.
 */
export function appSecrets(env: Pick<Env, 'APP_SECRET' | 'APP_SECRET_PREVIOUS'>): string[] {
  return env.APP_SECRET_PREVIOUS ? [env.APP_SECRET, env.APP_SECRET_PREVIOUS] : [env.APP_SECRET];
}

/** A key of its own per purpose, derived from each app secret (current first). */
export function derivedKeys(env: Pick<Env, 'APP_SECRET' | 'APP_SECRET_PREVIOUS'>, purpose: string): Buffer[] {
  return appSecrets(env).map((secret) => createHmac('sha256', secret).update(purpose).digest());
}

/** Whether `given` equals one of `candidates`, each compared in constant time. */
export function matchesAny(given: string | Buffer, candidates: readonly (string | Buffer)[]): boolean {
  const a = Buffer.from(given);
  return candidates
    .map((candidate) => Buffer.from(candidate))
    .some((b) => a.length === b.length && timingSafeEqual(a, b));
}
