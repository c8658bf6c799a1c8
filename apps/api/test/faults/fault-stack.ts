import { hashPassword } from '@baton/security';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { DataEncryptionService } from '../../src/common/crypto/data-encryption.service.js';
import { ConfigService } from '../../src/config/config.service.js';
import { newTotpSecret } from '../../src/modules/mfa/totp.js';
import { REPO_ROOT } from '../../src/paths.js';
import type { TestUser } from '../support/api.js';
import { assertBuilt, BuiltStack, builtStackEnv } from '../support/built-stack.js';
import { startFakeOpenAi, textCompletion, type FakeOpenAi } from '../support/fake-openai.js';
import { testEnv } from '../support/test-env.js';
import { TEST_SECRETS } from '../support/test-secrets.js';
import { PrivateRedis } from '../support/private-redis.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/** Timings the product runs with here, shortened so each fault's consequences show within seconds. */
export const FAULT_TIMINGS = {
  /** An agent whose last socket closed keeps their conversations this long. */
  graceSeconds: 5,
  /** A resolved conversation closes this long after (a timer that falls inside each outage). */
  closeAfterSeconds: 3,
  /** How long the bot's model takes to answer, so turns are in flight when the worker dies. */
  botAnswerMs: 1_500,
  /** An agent whose instance died is released (offline, conversations back to the queue) within this. */
  ghostBoundMs: 30_000,
  /** A timer runs within this after it was due, whatever happened meanwhile. */
  timerBoundMs: 15_000,
  /** Bot answers owed when the worker died come within this after a new worker started. */
  botRecoveryBoundMs: 10_000,
  /** An ordinary request is answered (even if refused) within this while Redis is down. */
  requestBoundMs: 5_000,
} as const;

/** An agent account (MFA enrolled) the fleet signs in with. */
export type SeededAgent = TestUser & { totpSecret: string };

export interface Fixture {
  queueId: string;
  /** A web chat channel without a bot: every conversation goes straight to the queue. */
  webChannelId: string;
  /** A web chat channel whose LLM bot answers first. */
  botChannelId: string;
  agents: SeededAgent[];
  capacity: number;
}

/**
 * Everything the fault suite runs against: its own Redis (`redis-server`, no persistence), PostgreSQL
 * (the run's database) behind a proxy the suite can cut, two built API instances behind a load
 * balancer, the built worker, and an OpenAI-compatible server for the bot. Nothing shared is touched.
 */
export class FaultStack {
  private constructor(
    readonly redis: PrivateRedis,
    readonly postgres: TcpProxy,
    readonly balancer: TcpProxy,
    readonly openai: FakeOpenAi,
    readonly processes: BuiltStack,
    /** Straight to PostgreSQL (not through the proxy): what the suite reads and seeds with. */
    readonly db: pg.Pool,
    private readonly modelCalls: { count: number },
    /** Where the processes write their logs. */
    readonly logDir: string,
  ) {}

  /** Bot turns waiting for the model's answer right now. */
  get botTurnsInFlight(): number {
    return this.modelCalls.count;
  }

  static async start(logDir = path.join(tmpdir(), `baton-faults-${process.pid}`)): Promise<FaultStack> {
    assertBuilt(REPO_ROOT);
    const runtimeUrl = inject('databaseUrl');
    const db = new pg.Pool({ connectionString: inject('databaseOwnerUrl'), max: 3 });
    const redis = await PrivateRedis.start();
    const postgres = await TcpProxy.start([Number(new URL(runtimeUrl).port || 5432)]);
    const balancer = await TcpProxy.start([]);
    const inFlight = { count: 0 };
    const openai = await startFakeOpenAi(async () => {
      inFlight.count += 1;
      await new Promise((resolve) => setTimeout(resolve, FAULT_TIMINGS.botAnswerMs));
      inFlight.count -= 1;
      return textCompletion('Here is what I found for you.');
    });
    const scratch = path.join(logDir, 'scratch');
    const processes = new BuiltStack({
      root: REPO_ROOT,
      logDir,
      databaseUrl: { api: postgres.url(runtimeUrl), worker: postgres.url(runtimeUrl) },
      env: {
        ...builtStackEnv({ url: redis.url, prefix: 'baton-faults' }, scratch),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        AGENT_DISCONNECT_GRACE_SECONDS: String(FAULT_TIMINGS.graceSeconds),
        // Presence and recovery scaled down with the grace period (defaults: 30 s stale, 15 s sweep),
        // and a drain long enough for the readiness probes to see it.
        AGENT_SOCKET_STALE_SECONDS: '9',
        RECOVERY_SWEEP_SECONDS: '3',
        SHUTDOWN_DRAIN_MS: '1000',
        CONVERSATION_CLOSE_AFTER_SECONDS: String(FAULT_TIMINGS.closeAfterSeconds),
        OPENAI_API_KEY: 'fault-suite-key',
        OPENAI_BASE_URL: openai.baseUrl,
        ...TEST_SECRETS,
      },
    });
    const stack = new FaultStack(redis, postgres, balancer, openai, processes, db, inFlight, logDir);
    try {
      await processes.startWorker();
      await stack.addApi();
      await stack.addApi();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  /** The load balancer's address: where clients connect and reconnect. */
  get base(): string {
    return `http://127.0.0.1:${this.balancer.port}`;
  }

  /** One more API instance, put behind the load balancer once it is ready. */
  async addApi(): Promise<string> {
    const base = await this.processes.startApi();
    this.balancer.setBackends(this.processes.bases.map((b) => Number(new URL(b).port)));
    return base;
  }

  /** Takes an instance out of the load balancer, then stops it with `signal`. */
  async stopApi(index: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const { child, base } = this.processes.api(index);
    this.balancer.setBackends(
      this.processes.bases.filter((b) => b !== base).map((b) => Number(new URL(b).port)),
    );
    // Stopped while still listed, so its readiness is watched until it has gone.
    await (signal === 'SIGKILL' ? child.kill() : child.stop());
    await this.processes.stopApi(child);
  }

  /** Queue, channels, bot and agents (MFA enrolled, not signed in), written as the admin screens would. */
  async seed(agentCount: number, capacity: number): Promise<Fixture> {
    const queueId = randomUUID();
    const webChannelId = randomUUID();
    const botChannelId = randomUUID();
    const botId = randomUUID();
    const tag = randomBytes(3).toString('hex');
    await this.db.query(
      `INSERT INTO queues (id, name, routing_mode, updated_at) VALUES ($1, $2, 'least_busy', now())`,
      [queueId, `faults-${tag}`],
    );
    await this.db.query(
      `INSERT INTO bot_configs (id, name, engine, system_prompt, allowed_queue_ids, updated_at)
       VALUES ($1, $2, 'llm', 'Answer briefly.', ARRAY[$3]::text[], now())`,
      [botId, `faults-bot-${tag}`, queueId],
    );
    const config = JSON.stringify({ allowedOrigins: [], defaultQueueId: queueId });
    await this.db.query(
      `INSERT INTO channels (id, kind, name, config, bot_config_id, updated_at)
       VALUES ($1, 'webchat', $3, $5, NULL, now()), ($2, 'webchat', $4, $5, $6, now())`,
      [webChannelId, botChannelId, `faults-web-${tag}`, `faults-bot-web-${tag}`, config, botId],
    );
    const crypto = new DataEncryptionService(new ConfigService(testEnv()));
    const agents: SeededAgent[] = [];
    for (let i = 0; i < agentCount; i++) {
      const userId = randomUUID();
      const password = `Pw-${randomBytes(12).toString('base64url')}`;
      const totpSecret = newTotpSecret();
      const email = `faults-${tag}-agent-${i}@example.test`;
      const sealed = crypto.encrypt(totpSecret, `mfa-secret:${userId}`);
      await this.db.query(
        `INSERT INTO users (id, email, display_name, password_hash, must_change_password, updated_at)
         VALUES ($1, $2, $3, $4, false, now())`,
        [userId, email, `Agent ${i}`, await hashPassword(password)],
      );
      await this.db.query(
        `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = 'agent'`,
        [userId],
      );
      await this.db.query(
        `INSERT INTO mfa_factors (id, user_id, secret_ciphertext, key_id, activated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, now())`,
        [userId, sealed.ciphertext, sealed.keyId],
      );
      await this.db.query(
        `INSERT INTO agent_states (user_id, presence, capacity, updated_at) VALUES ($1, 'offline', $2, now())`,
        [userId, capacity],
      );
      await this.db.query(`INSERT INTO queue_members (queue_id, user_id, skills) VALUES ($1, $2, '{}')`, [
        queueId,
        userId,
      ]);
      agents.push({ id: userId, email, password, totpSecret });
    }
    return { queueId, webChannelId, botChannelId, agents, capacity };
  }

  async close(): Promise<void> {
    await this.processes.close();
    await Promise.all([this.balancer.close(), this.postgres.close(), this.openai.close()]);
    await this.redis.kill();
    await this.db.end();
  }
}
