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

/** The worker processes (bot turns, timers, deliveries), as their heartbeats in Redis show them. */
export const ZWorkersHealth = z.object({
  status: z.enum(['up', 'down']),
  /** Workers heard from within the last few seconds. */
  alive: z.number().int().nonnegative(),
  /** The last heartbeat of any worker (ISO time); null when none was ever heard or Redis cannot say. */
  lastSeenAt: z.string().datetime().nullable(),
});
export type WorkersHealth = z.infer<typeof ZWorkersHealth>;

/**
 * `ready` (200): serve traffic. `degraded` (200): PostgreSQL and Redis answer but no worker is alive —
 * conversations between people go on, bot replies and timers wait for a worker. `not_ready` (503): a
 * dependency is down or a migration pending. `draining` (503): the process is stopping; send new
 * requests elsewhere.
 */
export const ZReadiness = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready', 'draining']),
  checks: z.array(ZDependencyCheck),
  workers: ZWorkersHealth,
});
export type Readiness = z.infer<typeof ZReadiness>;
