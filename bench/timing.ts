/** Latency figures for benchmarks that time repeated calls. */
export interface Timing {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Calls `call(i)` once to warm the cache for its shape (not counted), then `times` more times with
 * `i` = 0 … times-1, and returns p50, p95 and the slowest.
 */
export async function timeCalls(times: number, call: (i: number) => Promise<unknown>): Promise<Timing> {
  await call(times);
  const took: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await call(i);
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    p50Ms: round(percentile(took, 50)),
    p95Ms: round(percentile(took, 95)),
    maxMs: round(took.at(-1) ?? 0),
  };
}
