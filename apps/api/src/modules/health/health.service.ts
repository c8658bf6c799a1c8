import { Injectable } from '@nestjs/common';
import type { DependencyCheck, Readiness, WorkersHealth } from '@baton/contracts';
import { describeMigrationsProblem, readMigrationsState } from '@baton/security';
import { ConfigService } from '../../config/config.service.js';
import { readWorkers } from '../../jobs/worker-heartbeat.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { RedisService } from '../../redis/redis.service.js';

const CHECK_TIMEOUT_MS = 2_000;

async function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function timed(
  name: DependencyCheck['name'],
  check: () => Promise<string | undefined>,
): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    const problem = await withinTimeout(check());
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return problem ? { name, status: 'down', latencyMs, detail: problem } : { name, status: 'up', latencyMs };
  } catch (error) {
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
    return { name, status: 'down', latencyMs, detail: `unreachable: ${detail}` };
  }
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private draining = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly config: ConfigService,
  ) {}

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }

  /** From now on readiness says `draining` (503): the process is stopping and still serves meanwhile. */
  startDraining(): void {
    this.draining = true;
  }

  /**
   * No worker alive is `degraded` (200), not `not_ready`: a load balancer would otherwise take every API
   * instance out at once and stop all live chats, while conversations between people go on without a
   * worker (bot replies and timers wait for one). The report names the workers as down.
   */
  async readiness(): Promise<Readiness> {
    const [checks, workers] = await Promise.all([this.checks(), this.workers()]);
    let status: Readiness['status'] = 'ready';
    if (this.draining) status = 'draining';
    else if (checks.some((c) => c.status === 'down')) status = 'not_ready';
    else if (workers.status === 'down') status = 'degraded';
    return { status, checks, workers };
  }

  /** The worker processes as their heartbeats show them; down too when Redis cannot say. */
  async workers(): Promise<WorkersHealth> {
    try {
      const { alive, lastSeenAt } = await withinTimeout(readWorkers(this.redis));
      return { status: alive > 0 ? 'up' : 'down', alive, lastSeenAt: lastSeenAt?.toISOString() ?? null };
    } catch {
      return { status: 'down', alive: 0, lastSeenAt: null };
    }
  }

  private checks(): Promise<DependencyCheck[]> {
    return Promise.all([
      timed('postgres', async () => {
        await this.prisma.$queryRaw`SELECT 1`;
        return undefined;
      }),
      timed('redis', async () => {
        const pong = await this.redis.client.ping();
        return pong === 'PONG' ? undefined : `unexpected reply ${pong}`;
      }),
      timed('migrations', async () =>
        describeMigrationsProblem(
          await readMigrationsState(prismaRunner(this.prisma), this.config.env.MIGRATIONS_DIR),
        ),
      ),
    ]);
  }
}
