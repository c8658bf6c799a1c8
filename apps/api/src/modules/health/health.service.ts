import { Injectable } from '@nestjs/common';
import type { DependencyCheck, Readiness } from '@baton/contracts';
import { describeMigrationsProblem, readMigrationsState } from '@baton/security';
import { ConfigService } from '../../config/config.service.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { prismaRunner } from '../../prisma/sql-runner.js';
import { RedisService } from '../../redis/redis.service.js';

const CHECK_TIMEOUT_MS = 2_000;

async function timed(
  name: DependencyCheck['name'],
  check: () => Promise<string | undefined>,
): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    const problem = await Promise.race([check(), timeout]);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return problem ? { name, status: 'down', latencyMs, detail: problem } : { name, status: 'up', latencyMs };
  } catch (error) {
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
    return { name, status: 'down', latencyMs, detail: `unreachable: ${detail}` };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly config: ConfigService,
  ) {}

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }

  async readiness(): Promise<Readiness> {
    const checks = await Promise.all([
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
    return { status: checks.every((c) => c.status === 'up') ? 'ready' : 'not_ready', checks };
  }
}
