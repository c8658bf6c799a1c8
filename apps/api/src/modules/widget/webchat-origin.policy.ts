import { z } from 'zod';

/**
 * What the widget reads from a webchat channel's stored `config`. Lenient about keys it does not use
 * (the admin API validates the full shape on write), strict about the ones it does: a config whose
 * `allowedOrigins` is not a list of strings is treated as unusable, never as "any origin".
 */
const ZStoredWebchatConfig = z.object({
  allowedOrigins: z.array(z.string()).default([]),
  greeting: z.string().optional(),
});

export interface WebchatPolicy {
  /** Normalised origins (`https://shop.example`); empty means the channel may be embedded anywhere. */
  allowedOrigins: string[];
  greeting: string | null;
}

function normaliseOrigin(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** The channel's widget policy, or null when its config is malformed (callers refuse the channel). */
export function readWebchatPolicy(config: unknown): WebchatPolicy | null {
  const parsed = ZStoredWebchatConfig.safeParse(config ?? {});
  if (!parsed.success) return null;
  return {
    // An entry that is not an origin stays in the list and matches nothing: it must not widen it to "anywhere".
    allowedOrigins: parsed.data.allowedOrigins.map((o) => normaliseOrigin(o) ?? o),
    greeting: parsed.data.greeting?.trim() || null,
  };
}

/** A page may use the channel when the list is empty or names its origin (no Origin header: not allowed). */
export function originAllowed(policy: WebchatPolicy, origin: string | undefined): boolean {
  if (policy.allowedOrigins.length === 0) return true;
  const normalised = origin ? normaliseOrigin(origin) : null;
  return normalised !== null && policy.allowedOrigins.includes(normalised);
}
