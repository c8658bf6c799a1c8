/** One answer (or none) of a probe: HTTP status, 0 for no answer within the probe's timeout. */
export interface ProbeSample {
  at: number;
  target: string;
  status: number;
  ms: number;
}

const PROBE_EVERY_MS = 250;
/** Far above any answer the product should give: a request this slow counts as hanging. */
const PROBE_TIMEOUT_MS = 15_000;

/** Targets named `request:…` are ordinary requests; the others are instances' readiness URLs. */
export const isRequest = (target: string) => target.startsWith('request:');

/**
 * What an operator's monitoring would see while the faults happen: each API instance's
 * `/api/health/ready` four times a second, and ordinary requests through the load balancer (a
 * returning visitor's widget session, an agent reading their state) to time how long a request
 * takes to be answered, whatever the answer.
 */
export class Probes {
  readonly samples: ProbeSample[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly targets: () => {
      readiness: string[];
      requests: Record<string, (signal: AbortSignal) => Promise<Response>>;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.round(), PROBE_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private round(): void {
    const { readiness, requests } = this.targets();
    for (const base of readiness) {
      this.probe(base, (signal) => fetch(`${base}/api/health/ready`, { signal }));
    }
    for (const [name, request] of Object.entries(requests)) this.probe(`request:${name}`, request);
  }

  /** One probe per target at a time: a hanging one is timed once, not piled up. */
  private probe(target: string, call: (signal: AbortSignal) => Promise<Response>): void {
    if (this.inFlight.has(target)) return;
    this.inFlight.add(target);
    const at = Date.now();
    void call(AbortSignal.timeout(PROBE_TIMEOUT_MS))
      .then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      })
      // No answer, or the connection dropped while the body was read (an instance killed): status 0.
      .catch(() => 0)
      .then((status) => {
        this.samples.push({ at, target, status, ms: Date.now() - at });
        this.inFlight.delete(target);
      });
  }

  /** Samples in progress at some time within [from, to]. */
  overlapping(from: number, to: number, target: (name: string) => boolean): ProbeSample[] {
    return this.samples.filter((s) => s.at <= to && s.at + s.ms >= from && target(s.target));
  }

  /** Samples taken (started) within [from, to]. */
  between(from: number, to: number, target?: (name: string) => boolean): ProbeSample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to && (!target || target(s.target)));
  }
}
