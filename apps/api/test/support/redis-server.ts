import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from './api.js';
import { listening } from './processes.js';

/** A private `redis-server` without persistence, for tests that need a Redis configured their way. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/** Started on a free port below Linux's range for outgoing connections, with these extra arguments. */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  let port = 0;
  do port = 20_000 + Math.floor(Math.random() * 12_000);
  while (await listening(port));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await eventually(() => listening(port), Boolean, 10_000))) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not listen on port ${port}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
