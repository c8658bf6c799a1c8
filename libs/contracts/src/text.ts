import { z } from 'zod';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a text cannot be stored, or null when it can. PostgreSQL refuses NUL in `text` and `jsonb`, and
 * a lone UTF-16 surrogate is not Unicode at all (it cannot be encoded as UTF-8 without silently turning
 * into U+FFFD), so both are refused at the edge with a clear message instead of failing in the database.
 */
export function unsafeTextReason(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (no unpaired surrogate such as \\ud800)';
  return null;
}

const safeTextCheck = z.superRefine<string>((value, ctx) => {
  const reason = unsafeTextReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: reason, input: value });
});

/**
 * The one way request contracts accept free text: a string PostgreSQL can store. Chain the usual
 * `.trim().min().max()` after it; the check runs on the text as received.
 */
export function safeText(): z.ZodString {
  return z.string().check(safeTextCheck);
}

/** The first unsafe string (value or key) anywhere inside a JSON-like value, with its path. */
function findUnsafe(value: unknown, path: PropertyKey[]): { path: PropertyKey[]; reason: string } | null {
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value);
    return reason ? { path, reason } : null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafe(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unsafeTextReason(key);
      if (keyReason) return { path: [...path, key], reason: `key ${keyReason}` };
      const found = findUnsafe(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Free-form JSON the caller passes through (stored as `jsonb`, e.g. a bot's `on_finish`): any shape,
 * but every string and key in it must be storable text.
 */
export function safeJson(): z.ZodUnknown {
  return z.unknown().check(
    z.superRefine((value, ctx) => {
      const found = findUnsafe(value, []);
      if (found) ctx.addIssue({ code: 'custom', message: found.reason, path: found.path, input: value });
    }),
  );
}
