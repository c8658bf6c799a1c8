import { Injectable } from '@nestjs/common';
import { RedisService } from '../../redis/redis.service.js';

/** A socket not refreshed for this long belongs to an instance that died; it no longer counts. */
export const CONNECTION_STALE_MS = 90_000;

/**
 * Which agents have a live `/agent` socket, across every API instance (a Redis hash per user:
 * socket id → last heartbeat). An agent with several tabs is connected while any tab is.
 */
@Injectable()
export class AgentConnectionsService {
  constructor(private readonly redis: RedisService) {}

  private key(userId: string): string {
    return this.redis.keys.agentSockets(userId);
  }

  async connected(userId: string, socketId: string, now = Date.now()): Promise<void> {
    const key = this.key(userId);
    await this.redis.client
      .multi()
      .hset(key, socketId, now)
      .pexpire(key, CONNECTION_STALE_MS * 2)
      .exec();
  }

  async disconnected(userId: string, socketId: string): Promise<void> {
    await this.redis.client.hdel(this.key(userId), socketId);
  }

  /** Heartbeat from the instance holding these sockets. */
  async refresh(entries: { userId: string; socketId: string }[], now = Date.now()): Promise<void> {
    if (entries.length === 0) return;
    const multi = this.redis.client.multi();
    for (const { userId, socketId } of entries) {
      multi.hset(this.key(userId), socketId, now).pexpire(this.key(userId), CONNECTION_STALE_MS * 2);
    }
    await multi.exec();
  }

  async liveCount(userId: string, now = Date.now()): Promise<number> {
    const all = await this.redis.client.hgetall(this.key(userId));
    return Object.values(all).filter((at) => now - Number(at) < CONNECTION_STALE_MS).length;
  }
}
