import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Target } from './clients.js';
import { cpuMeter, rssMiB, spawnNode, type Child } from '../../apps/api/test/support/processes.js';
import type { SeededCustomer } from './seed.js';
import type { HeldSocket } from './socket-holder.js';
import { load, nth, round, sleep } from './stats.js';

export interface IdleResult {
  sockets: number;
  connected: number;
  failed: number;
  firstError: string | null;
  connectSeconds: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** (after − before) ÷ connected, in KiB. */
  rssPerSocketKiB: number;
  /** Server CPU while the sockets connected ÷ connected. */
  handshakeCpuMs: number;
  load: number[];
}

/** Sockets per holder process (each needs one file descriptor per socket). */
const PER_HOLDER = 5_000;

/**
 * `customers.length` customer sockets opened and held idle by child processes, against one server
 * process: its resident memory before and after, and the CPU it spent accepting them.
 */
export async function idleSockets(options: {
  target: Target;
  server: Child;
  customers: SeededCustomer[];
  benchRoot: string;
  say: (line: string) => void;
  label: string;
}): Promise<IdleResult> {
  const { target, customers, say, label } = options;
  const base = nth(target.bases, 0);
  const specs = customers.map((customer): HeldSocket =>
    target.kind === 'baton'
      ? {
          url: `${base}/customer`,
          auth: { token: customer.token },
          headers: { 'x-forwarded-for': customer.ip },
        }
      : { url: `${base}/customer`, auth: { contactId: customer.contactId }, headers: {} },
  );
  const holders: Child[] = [];
  const files: string[] = [];
  try {
    await sleep(2_000);
    const rssBefore = rssMiB(options.server.pid);
    const meter = cpuMeter([options.server]);
    say(`${label}: opening ${specs.length} idle customer sockets…`);
    const start = performance.now();
    const results: Promise<string>[] = [];
    for (let i = 0; i * PER_HOLDER < specs.length; i++) {
      const file = path.join(options.benchRoot, 'results', `idle-holder-${target.kind}-${i}.tmp.json`);
      files.push(file);
      writeFileSync(file, JSON.stringify(specs.slice(i * PER_HOLDER, (i + 1) * PER_HOLDER)));
      const holder = spawnNode(
        `socket holder ${i}`,
        ['--import', 'tsx', path.join(options.benchRoot, 'realtime', 'socket-holder.ts'), file],
        { openFiles: 20_000, stdin: true },
      );
      holders.push(holder);
      results.push(holder.line(/^connected \d+ failed \d+/, 600_000));
    }
    const lines = await Promise.all(results);
    const connectSeconds = round((performance.now() - start) / 1000, 2);
    const handshakeCpu = meter.read();
    let connected = 0;
    let failed = 0;
    let firstError: string | null = null;
    for (const line of lines) {
      const match = /^connected (\d+) failed (\d+)(?: first error: (.*))?/.exec(line);
      connected += Number(match?.[1]);
      failed += Number(match?.[2]);
      firstError ??= match?.[3] ?? null;
    }
    // Let the server finish what the handshakes left (timers, buffers) before reading its memory.
    await sleep(3_000);
    const rssAfter = rssMiB(options.server.pid);
    const result: IdleResult = {
      sockets: specs.length,
      connected,
      failed,
      firstError,
      connectSeconds,
      rssBeforeMiB: round(rssBefore),
      rssAfterMiB: round(rssAfter),
      rssPerSocketKiB: connected > 0 ? round(((rssAfter - rssBefore) * 1024) / connected) : 0,
      handshakeCpuMs: connected > 0 ? round(handshakeCpu / connected, 3) : 0,
      load: load(),
    };
    say(
      `${label}: ${connected} connected (${failed} failed) in ${connectSeconds} s; RSS ${result.rssBeforeMiB} → ` +
        `${result.rssAfterMiB} MiB (${result.rssPerSocketKiB} KiB/socket); handshake CPU ${result.handshakeCpuMs} ms`,
    );
    return result;
  } finally {
    for (const holder of holders) holder.process.stdin?.write('close\n');
    await Promise.all(holders.map((holder) => holder.line(/^closed$/, 30_000).catch(() => undefined)));
    await Promise.all(holders.map((holder) => holder.stop()));
    for (const file of files) rmSync(file, { force: true });
  }
}
