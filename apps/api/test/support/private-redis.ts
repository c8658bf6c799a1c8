import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from './api.js';
import { listening } from './processes.js';

export interface PrivateRedis {
  url: string;
  /** Kills the server outright (SIGKILL), as a crash or a lost machine would. */
  kill(): Promise<void>;
}

/**
 * A redis-server of the test's own, without persistence, started with these extra arguments: to take
 * down while the product runs, or configured the test's way (the shared one is never touched). Its
 * port is below Linux's range for outgoing connections, so no client takes it meanwhile.
 */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await listening(port)) continue;
    const server: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    const up = await eventually(() => listening(port), Boolean, { timeoutMs: 5_000, intervalMs: 50 });
    if (!up || server.exitCode !== null) {
      server.kill('SIGKILL');
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      async kill() {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
        await exited;
      },
    };
  }
  throw new Error('no free port for a private redis-server');
}
