import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A port nothing listens on right now, for a process the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port below Linux's range for outgoing connections (32768+), so nobody's outgoing connection takes
 * it while the server on it is down.
 */
export async function lowFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A process as Linux's /proc shows it; the start time tells a process from a later one given the same pid. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  startTime: string;
  state: string;
  command: string;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself hold spaces or parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), state: fields[0] ?? '', startTime: fields[19] ?? '', command };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every live descendant of `pid` (children, their children, …). */
export function descendants(pid: number): ProcessEntry[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);
  const found: ProcessEntry[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.shift();
    for (const entry of all.filter((e) => e.ppid === parent)) {
      found.push(entry);
      parents.push(entry.pid);
    }
  }
  return found;
}

/** Whether that very process (same pid and start time) still runs; a zombie has already exited. */
export function stillRunning(entry: ProcessEntry): boolean {
  const now = readEntry(entry.pid);
  return now !== undefined && now.startTime === entry.startTime && now.state !== 'Z';
}

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

/** A process a test or benchmark started: the pid is the node process itself, never a shell in between. */
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
  /** SIGKILL, no grace (a crash, or the kernel's OOM killer); resolves once it has exited. */
  kill(): Promise<void>;
  /** Whether it has exited. */
  exited(): boolean;
}

const running = new Set<Child>();

// Whatever ends the test or benchmark, nothing it started outlives it.
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
      // Lines still buffered when the process ended arrive after the log was closed.
      if (log && !log.writableEnded) log.write(`${line}\n`);
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
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(handle);
      log?.end();
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
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
