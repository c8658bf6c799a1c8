import { z } from 'zod';

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
