/**
 * When `npm start` restarts a crashed api or worker process: after 1 s, then 2 s, 4 s … (at most 30 s)
 * while crashes repeat; more than five crashes within two minutes means something is wrong that a
 * restart will not fix, so everything stops instead of restarting forever.
 */
export interface RestartPolicy {
  maxCrashes: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 120_000,
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export type RestartDecision =
  { restartInMs: number; recentCrashes: number } | { giveUp: true; recentCrashes: number };

/** `crashes`: the times of this process's crashes so far, the one just now included. */
export function afterCrash(crashes: number[], now: number, policy = RESTART_POLICY): RestartDecision {
  const recentCrashes = crashes.filter((at) => now - at < policy.windowMs).length;
  if (recentCrashes > policy.maxCrashes) return { giveUp: true, recentCrashes };
  const restartInMs = Math.min(policy.firstDelayMs * 2 ** (recentCrashes - 1), policy.maxDelayMs);
  return { restartInMs, recentCrashes };
}
