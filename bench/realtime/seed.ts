import { hashPassword } from '@baton/security';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DataEncryptionService } from '../../apps/api/src/common/crypto/data-encryption.service.js';
import { ConfigService } from '../../apps/api/src/config/config.service.js';
import { loadEnv } from '../../apps/api/src/config/env.schema.js';
import { VisitorTokenService } from '../../apps/api/src/modules/widget/visitor-token.service.js';
import { nth } from './stats.js';

/**
 * Bulk set-up straight in the database (thousands of rows in a few statements), in the state the
 * product's own flows leave behind: staff fully signed in (password, then MFA verified), customers
 * holding the signed visitor token their widget would hold.
 */

/** The installation secrets the measured processes run with: fresh for every run. */
export function benchSecrets(): Record<'APP_SECRET' | 'DATA_ENCRYPTION_KEYS' | 'BLIND_INDEX_KEY', string> {
  return {
    APP_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64url'),
  };
}

export interface SeededStaff {
  userId: string;
  sessionId: string;
  /** The Cookie header of the signed-in browser. */
  cookie: string;
}

export interface SeededCustomer {
  contactId: string;
  /** The signed visitor token (handshake `auth.token`). */
  token: string;
  /** A client address of its own (X-Forwarded-For through the trusted loopback proxy). */
  ip: string;
  conversationId?: string;
  agentId?: string;
}

export class Seeder {
  private readonly crypto: DataEncryptionService;
  private readonly tokens: VisitorTokenService;
  private passwordHash: string | undefined;
  private ipCounter = 0;
  private readonly appSecret: string;

  constructor(
    private readonly db: pg.Client,
    appEnv: NodeJS.ProcessEnv,
  ) {
    const config = new ConfigService(loadEnv({ ...appEnv, NODE_ENV: 'development' }));
    this.appSecret = config.env.APP_SECRET;
    this.crypto = new DataEncryptionService(config);
    this.tokens = new VisitorTokenService(config);
  }

  /** The CSRF token the API binds to a session (what the sign-in response sets as the `baton_csrf` cookie). */
  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.appSecret).update(`csrf:${sessionId}`).digest('base64url');
  }

  /**
   * `count` users with `role`, MFA enrolled and a session that passed MFA, and (for agents) their
   * routing state: `capacity`, presence `available`, nothing held yet.
   */
  async staff(
    count: number,
    options: { role: 'agent' | 'admin'; tag: string; capacity?: number; queueId?: string },
  ): Promise<SeededStaff[]> {
    // Nobody signs in with it; hashed once because hashing is deliberately slow.
    this.passwordHash ??= await hashPassword(`Bench-${randomBytes(12).toString('base64url')}`);
    const users = Array.from({ length: count }, (_, i) => {
      const userId = randomUUID();
      const token = randomBytes(32).toString('base64url');
      const sessionId = createHash('sha256').update(token).digest('hex');
      const sealed = this.crypto.encrypt(randomBytes(20).toString('hex'), `mfa-secret:${userId}`);
      return {
        userId,
        sessionId,
        token,
        email: `${options.tag}-${options.role}-${i}@bench.example`,
        name: `${options.role} ${i}`,
        sealed,
      };
    });
    const ids = users.map((u) => u.userId);
    await this.db.query(
      `INSERT INTO users (id, email, display_name, password_hash, must_change_password, last_login_at, updated_at)
       SELECT id, email, name, $4, false, now(), now()
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, email, name)`,
      [ids, users.map((u) => u.email), users.map((u) => u.name), this.passwordHash],
    );
    await this.db.query(
      `INSERT INTO user_roles (user_id, role_id) SELECT id, (SELECT id FROM roles WHERE name = $2)
         FROM unnest($1::uuid[]) AS u(id)`,
      [ids, options.role],
    );
    await this.db.query(
      `INSERT INTO mfa_factors (id, user_id, secret_ciphertext, key_id, activated_at)
       SELECT gen_random_uuid(), id, secret, key, now() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS f(id, secret, key)`,
      [ids, users.map((u) => u.sealed.ciphertext), users.map((u) => u.sealed.keyId)],
    );
    await this.db.query(
      `INSERT INTO sessions (id, user_id, mfa_verified_at, ip, user_agent, expires_at)
       SELECT sid, id, now(), '127.0.0.1', 'baton-bench', now() + interval '12 hours'
         FROM unnest($1::text[], $2::uuid[]) AS s(sid, id)`,
      [users.map((u) => u.sessionId), ids],
    );
    if (options.role === 'agent') {
      await this.db.query(
        `INSERT INTO agent_states (user_id, presence, capacity, updated_at)
         SELECT id, 'available', $2, now() FROM unnest($1::uuid[]) AS a(id)`,
        [ids, options.capacity ?? 5],
      );
    }
    if (options.queueId) {
      await this.db.query(
        `INSERT INTO queue_members (queue_id, user_id, skills) SELECT $2, id, '{}' FROM unnest($1::uuid[]) AS m(id)`,
        [ids, options.queueId],
      );
    }
    return users.map((u) => ({
      userId: u.userId,
      sessionId: u.sessionId,
      cookie: `baton_session=${u.token}; baton_csrf=${this.csrfTokenFor(u.sessionId)}`,
    }));
  }

  async queue(name: string): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO queues (id, name, routing_mode, updated_at) VALUES (gen_random_uuid(), $1, 'least_busy', now())
       RETURNING id`,
      [name],
    );
    return nth(rows, 0).id;
  }

  /** A web chat channel that any page may embed. */
  async webchatChannel(name: string): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO channels (id, kind, name, config, updated_at)
       VALUES (gen_random_uuid(), 'webchat', $1, '{"allowedOrigins": []}', now()) RETURNING id`,
      [name],
    );
    return nth(rows, 0).id;
  }

  /** `count` web chat visitors of `channelId`, with their tokens. */
  async visitors(channelId: string, count: number): Promise<SeededCustomer[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await this.db.query(
      `INSERT INTO contacts (id, channel_id, external_id, updated_at)
       SELECT id, $2, id::text, now() FROM unnest($1::uuid[]) AS c(id)`,
      [ids, channelId],
    );
    return ids.map((contactId) => {
      this.ipCounter += 1;
      const n = this.ipCounter;
      return {
        contactId,
        token: this.tokens.issue({ contactId, channelId }),
        ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      };
    });
  }

  /**
   * One open conversation per customer, assigned (round robin) to `agents`, whose held count goes up
   * accordingly; the customers come back with their conversation and agent.
   */
  async assignedConversations(
    channelId: string,
    queueId: string,
    customers: SeededCustomer[],
    agents: SeededStaff[],
  ): Promise<SeededCustomer[]> {
    const assigned = customers.map((customer, i) => ({
      ...customer,
      conversationId: randomUUID(),
      agentId: nth(agents, i % agents.length).userId,
    }));
    await this.db.query(
      `INSERT INTO conversations (id, channel_id, contact_id, status, queue_id, assignee_id, handoff_reason,
                                  handed_off_at, waiting_since, assigned_at, updated_at)
       SELECT id, $4, contact, 'assigned', $5, agent, 'customer_asked', now(), now(), now(), now()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS c(id, contact, agent)`,
      [
        assigned.map((c) => c.conversationId),
        assigned.map((c) => c.contactId),
        assigned.map((c) => c.agentId),
        channelId,
        queueId,
      ],
    );
    await this.db.query(
      `UPDATE agent_states s SET active_count = held.n, last_assigned_at = now()
         FROM (SELECT assignee_id, count(*)::int AS n FROM conversations
                WHERE status = 'assigned' GROUP BY assignee_id) held
        WHERE s.user_id = held.assignee_id`,
    );
    return assigned;
  }
}
