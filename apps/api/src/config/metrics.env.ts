import { z } from 'zod';
import { parseAllowedNetworks } from './allowed-networks.js';

/** Settings of `GET /api/metrics` (spread into the environment schema). Neither set: the endpoint answers 404. */
export const ZMetricsEnv = z.object({
  /** A scraper's bearer token (`Authorization: Bearer …`); compared in constant time, never logged. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Client networks (CIDRs, comma separated) that may scrape; the client as `TRUST_PROXY` resolves it. */
  METRICS_ALLOW_NETWORKS: z
    .string()
    .transform((raw, ctx) => {
      const parsed = parseAllowedNetworks(raw);
      if (parsed.ok) return parsed.networks;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    })
    .optional(),
});
