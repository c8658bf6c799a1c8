import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resident memory of the process now, in MiB. */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** A process the benchmark started: the pid is the node process itself, never a shell in between. */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the first output line matching `pattern` (rejects when the process exits first). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Every output line from now on. */
  onLine(listener: (line: string) => void): void;
  /** Log lines at level error or fatal so far. */
  errorLines(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();

// Whatever ends the benchmark, nothing it started outlives it.
process.on('exit', () => {
  for (const child of running) child.process.kill('SIGKILL');
});

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output also goes to this file (the logs of the measured processes). */
  logFile?: string;
  /** Raise the soft open-files limit to this first (through `bash -c 'ulimit -n …; exec node …'`). */
  openFiles?: number;
  /** Keep stdin open to send commands (`process.stdin`). */
  stdin?: boolean;
}

/** Starts `node <args>`; with `openFiles` the shell `exec`s node, so the pid is still node's. */
export function spawnNode(name: string, args: string[], options: SpawnOptions = {}): Child {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  const [command, commandArgs] = options.openFiles
    ? ([
        'bash',
        ['-c', `ulimit -n ${options.openFiles} && exec ${[process.execPath, ...args].map(quote).join(' ')}`],
      ] as const)
    : ([process.execPath, args] as const);
  const child = spawn(command, [...commandArgs], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start node`);
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  let errorLines = 0;
  const listeners = new Set<(line: string) => void>();
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log?.write(`${line}\n`);
      if (/"level":"(error|fatal)"/.test(line)) errorLines += 1;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      for (const listener of listeners) listener(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Child = {
    name,
    pid: child.pid,
    process: child,
    onLine: (listener) => listeners.add(listener),
    errorLines: () => errorLines,
    line: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail(`no "${pattern.source}" within ${timeoutMs} ms`), timeoutMs);
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        function fail(why: string) {
          listeners.delete(listener);
          reject(new Error(`${name}: ${why}; its last output:\n  ${recent.join('\n  ')}`));
        }
        listeners.add(listener);
        void exited.then(() => {
          clearTimeout(timer);
          fail(`exited (${child.exitCode ?? child.signalCode})`);
        });
      }),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }
      running.delete(handle);
      log?.end();
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** CPU (ms) a set of processes uses together from now until `read()`. */
export function cpuMeter(children: readonly Child[]): { read(): number } {
  const before = children.map((child) => ({ pid: child.pid, ms: cpuMs(child.pid) }));
  return { read: () => before.reduce((sum, { pid, ms }) => sum + cpuMs(pid) - ms, 0) };
}

/**
 * Waits (at most `maxMs`) until the processes together use less than a fifth of a core over a second:
 * a server still working off a backlog would otherwise take CPU from whatever is measured next.
 */
export async function quiet(children: readonly Child[], maxMs = 30_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const meter = cpuMeter(children);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (meter.read() < 200) return;
  }
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null || child.process.signalCode !== null)
      throw new Error(`${child.name} exited before it was ready (see its log)`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${child.name} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
