import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from './api.js';
import { listening, lowFreePort } from './processes.js';

/**
 * A `redis-server` of the test's own, without persistence (as the shared one and many installations
 * run), started with `args` on top: to take down while the product runs (killing it loses every key,
 * queued and delayed jobs included), or configured the test's way. Never the shared server.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  static async start(args: string[] = []): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await lowFreePort(), args);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again on the same port, empty; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args],
      { stdio: 'ignore' },
    );
    this.child = child;
    // Whatever ends the suite, the server does not outlive it.
    process.once('exit', () => child.kill('SIGKILL'));
    const up = await eventually(
      () => (child.exitCode === null ? listening(this.port) : Promise.reject(new Error('exited'))),
      Boolean,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    if (!up) throw new Error(`redis-server did not listen on ${this.port}`);
  }

  /** `kill -9`: no shutdown, nothing saved. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
