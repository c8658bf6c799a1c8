import { z } from 'zod';

/** Codes shared by every API module (feature modules add their own `<feature>.<reason>` codes). */
export const CommonErrorCode = {
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  ServiceUnavailable: 'service_unavailable',
  Internal: 'internal_error',
} as const;

/** The one error shape every REST endpoint returns. `details` carries field errors for bad input. */
export const ZErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ZErrorBody>;
