import { Injectable } from '@nestjs/common';
import { ConfigService } from '../../config/config.service.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { QueueName } from '../../jobs/queue-names.js';
import { RedisService } from '../../redis/redis.service.js';

export const DISCONNECT_GRACE_JOB = 'agents.disconnect_grace';

/** The grace period of an agent last seen with a live socket at `since` (epoch ms). */
export interface DisconnectGrace {
  userId: string;
  /** Absent on jobs queued before the sweep existed: those judge by the live sockets alone. */
  since?: number;
}

/** The hash field that records when the agent's last socket closed (socket.io ids are 20 characters). */
const LEFT = 'left';

interface Presence {
  live: number;
  /** The latest heartbeat or close of any of the agent's sockets; null when Redis knows nothing of them. */
  lastSeen: number | null;
}

/**
 * Which agents have a live `/agent` socket, across every API instance: a Redis hash per user,
 * socket id → last heartbeat, refreshed by the instance holding the socket. An agent with several
 * tabs is connected while any tab is; a socket whose instance died stops being refreshed and is no
 * longer counted after AGENT_SOCKET_STALE_SECONDS.
 *
 * An agent online without a live socket is released after AGENT_DISCONNECT_GRACE_SECONDS counted
 * from when they were last seen: one grace job per (agent, last seen), queued by the instance that
 * saw the last tab close and, for sockets that vanished with their instance or jobs Redis lost, by
 * the worker's sweep.
 */
@Injectable()
export class AgentConnectionsService {
  constructor(
    private readonly redis: RedisService,
    private readonly jobs: JobsService,
    private readonly config: ConfigService,
  ) {}

  get staleMs(): number {
    return this.config.env.AGENT_SOCKET_STALE_SECONDS * 1000;
  }

  /** How often an instance refreshes its sockets: three chances before they go stale. */
  get heartbeatMs(): number {
    return this.staleMs / 3;
  }

  private get graceMs(): number {
    return this.config.env.AGENT_DISCONNECT_GRACE_SECONDS * 1000;
  }

  /** Long enough to still tell when an agent was last seen once their grace period is over. */
  private get ttlMs(): number {
    return (this.staleMs + this.graceMs) * 2;
  }

  private key(userId: string): string {
    return this.redis.keys.agentSockets(userId);
  }

  async connected(userId: string, socketId: string, now = Date.now()): Promise<void> {
    await this.refresh([{ userId, socketId }], now);
  }

  /** Heartbeat from the instance holding these sockets. */
  async refresh(entries: { userId: string; socketId: string }[], now = Date.now()): Promise<void> {
    if (entries.length === 0) return;
    const multi = this.redis.client.multi();
    for (const { userId, socketId } of entries) {
      multi.hset(this.key(userId), socketId, now).pexpire(this.key(userId), this.ttlMs);
    }
    await multi.exec();
  }

  /** A socket closed; when it was the agent's last, their grace period starts now. */
  async disconnected(userId: string, socketId: string, now = Date.now()): Promise<void> {
    const key = this.key(userId);
    await this.redis.client.multi().hdel(key, socketId).hset(key, LEFT, now).pexpire(key, this.ttlMs).exec();
    const presence = this.presence(await this.redis.client.hgetall(key), now);
    if (presence.live === 0) await this.startGrace([{ userId, since: presence.lastSeen ?? now }], now);
  }

  async liveCount(userId: string, now = Date.now()): Promise<number> {
    return this.presence(await this.redis.client.hgetall(this.key(userId)), now).live;
  }

  /**
   * Whether the agent is still without a live socket and was not seen after `since` (a tab that came
   * back and closed again started a later grace period of its own).
   */
  async goneSince(userId: string, since = Infinity, now = Date.now()): Promise<boolean> {
    const presence = this.presence(await this.redis.client.hgetall(this.key(userId)), now);
    return presence.live === 0 && (presence.lastSeen ?? -Infinity) <= since;
  }

  /**
   * Of these agents (online in PostgreSQL), those without a live socket on any instance get their
   * grace job unless it exists. Redis knowing nothing of an agent (it lost its data, or they never
   * opened the inbox) counts as last seen now. Returns how many grace jobs were queued or restarted.
   */
  async releaseGone(userIds: string[], now = Date.now()): Promise<number> {
    if (userIds.length === 0) return 0;
    const client = this.redis.client;
    const hashes = await Promise.all(userIds.map((userId) => client.hgetall(this.key(userId))));
    const gone: Required<DisconnectGrace>[] = [];
    const unknown: string[] = [];
    userIds.forEach((userId, i) => {
      const presence = this.presence(hashes[i] ?? {}, now);
      if (presence.live > 0) return;
      if (presence.lastSeen === null) unknown.push(userId);
      else gone.push({ userId, since: presence.lastSeen });
    });
    const marked = await Promise.all(
      unknown.map(async (userId) => {
        // Set only if still absent, and read back: a concurrent sweep or close may have written first.
        const key = this.key(userId);
        const [, , [, since] = []] =
          (await client.multi().hsetnx(key, LEFT, now).pexpire(key, this.ttlMs).hget(key, LEFT).exec()) ?? [];
        return { userId, since: Number(since ?? now) };
      }),
    );
    return this.startGrace([...gone, ...marked], now);
  }

  private startGrace(gone: Required<DisconnectGrace>[], now: number): Promise<number> {
    return this.jobs.ensure(
      QueueName.System,
      gone.map((data) => ({
        name: DISCONNECT_GRACE_JOB,
        data,
        opts: {
          jobId: `grace-${data.userId}-${data.since}`,
          delay: Math.max(0, data.since + this.graceMs - now),
        },
      })),
    );
  }

  private presence(all: Record<string, string>, now: number): Presence {
    let live = 0;
    let lastSeen: number | null = null;
    for (const [field, value] of Object.entries(all)) {
      const at = Number(value);
      if (field !== LEFT && now - at < this.staleMs) live += 1;
      lastSeen = Math.max(lastSeen ?? at, at);
    }
    return { live, lastSeen };
  }
}
