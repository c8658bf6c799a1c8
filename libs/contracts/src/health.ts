import { z } from 'zod';

export const ZLiveness = z.object({
  status: z.literal('live'),
  uptimeSeconds: z.number().nonnegative(),
});
export type Liveness = z.infer<typeof ZLiveness>;

export const ZDependencyCheck = z.object({
  name: z.enum(['postgres', 'redis', 'migrations']),
  status: z.enum(['up', 'down']),
  latencyMs: z.number().nonnegative(),
  /** Why it is down, in words an operator can act on; never a secret or connection string. */
  detail: z.string().optional(),
});
export type DependencyCheck = z.infer<typeof ZDependencyCheck>;

export const ZReadiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.array(ZDependencyCheck),
});
export type Readiness = z.infer<typeof ZReadiness>;
