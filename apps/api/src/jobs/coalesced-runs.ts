/**
 * Work keyed by what it is about (a queue): `mark(key)` asks for `run(key)` and returns at once. A key
 * runs `delayMs` after its first mark, never twice at once in this process; marks that arrive while
 * it waits are folded into that run, and marks that arrive while it runs into one more run after it.
 * So a burst of N triggers costs a couple of runs, and the last trigger is always followed by a run.
 * A failed run is reported to `onError`; the next mark runs it again.
 */
export class CoalescedRuns {
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(
    private readonly run: (key: string) => Promise<unknown>,
    private readonly onError: (err: unknown, key: string) => void,
    private readonly delayMs = 0,
  ) {}

  mark(key: string): void {
    if (this.stopped) return;
    const pending = this.pending.get(key);
    if (!pending) this.schedule(key, newPending());
    else if (pending.running) pending.again = true;
  }

  /** Resolves once every key marked so far has run, including reruns marked meanwhile. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()].map((p) => p.done));
  }

  /** At shutdown: no new runs; what is waiting is dropped, what is running finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, pending] of this.pending) {
      if (pending.running) continue;
      clearTimeout(pending.timer);
      this.pending.delete(key);
      pending.settle();
    }
    await this.idle();
  }

  private schedule(key: string, pending: Pending): void {
    this.pending.set(key, pending);
    pending.timer = setTimeout(() => void this.execute(key, pending), this.delayMs);
  }

  private async execute(key: string, pending: Pending): Promise<void> {
    pending.running = true;
    try {
      await this.run(key);
    } catch (err) {
      this.onError(err, key);
    }
    pending.running = false;
    if (pending.again && !this.stopped) {
      pending.again = false;
      this.schedule(key, pending);
      return;
    }
    this.pending.delete(key);
    pending.settle();
  }
}

interface Pending {
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
  done: Promise<void>;
  settle: () => void;
}

function newPending(): Pending {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return { running: false, again: false, done, settle };
}
