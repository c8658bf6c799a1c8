import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// ~49k passwords seen most often in breaches, bundled with the app (no network lookups).
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Problems with a proposed password, in words a user can act on; empty when it is acceptable. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH)
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  // "Password2024!" is as guessable as "password": strip the usual trailing digits and symbols too.
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || (stem.length >= 4 && COMMON.has(stem)))
    problems.push('is too common; choose something others are unlikely to use');
  const address = email.toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (lower.includes(address) || (local.length >= 3 && lower.includes(local)))
    problems.push('must not contain your email address');
  return problems;
}
