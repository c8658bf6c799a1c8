import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AGING_SECONDS } from './routing.engine.js';

export interface QueuePosition {
  conversationId: string;
  contactId: string;
  /** 1 = next to be served. */
  position: number;
  /** From the queue's recent waits; null until there is history. */
  estimatedWaitSeconds: number | null;
}

/** Where each waiting conversation stands, in exactly the order the routing engine serves them. */
@Injectable()
export class QueuePositionsService {
  constructor(private readonly prisma: PrismaService) {}

  async forQueue(queueId: string): Promise<QueuePosition[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; contact_id: string; position: bigint }[]>`
      SELECT id, contact_id,
             row_number() OVER (ORDER BY priority + floor(extract(epoch FROM now() - waiting_since) / ${AGING_SECONDS}) DESC,
                                         waiting_since ASC, id ASC) AS position
        FROM conversations
       WHERE queue_id = ${queueId}::uuid AND status = 'queued'
       ORDER BY position`;
    if (rows.length === 0) return [];
    // Average wait of the last 50 assignments, spread over the agents currently available to the queue.
    const [stats] = await this.prisma.$queryRaw<{ avg_wait: number | null; available: bigint }[]>`
      SELECT (SELECT avg(extract(epoch FROM assigned_at - waiting_since))
                FROM (SELECT assigned_at, waiting_since FROM conversations
                       WHERE queue_id = ${queueId}::uuid AND assigned_at IS NOT NULL AND waiting_since IS NOT NULL
                       ORDER BY assigned_at DESC LIMIT 50) recent) AS avg_wait,
             (SELECT count(*) FROM queue_members m JOIN agent_states s ON s.user_id = m.user_id
               WHERE m.queue_id = ${queueId}::uuid AND s.presence = 'available') AS available`;
    const avgWait = stats?.avg_wait === null || stats?.avg_wait === undefined ? null : Number(stats.avg_wait);
    const available = Math.max(1, Number(stats?.available ?? 0));
    return rows.map((r) => ({
      conversationId: r.id,
      contactId: r.contact_id,
      position: Number(r.position),
      estimatedWaitSeconds: avgWait === null ? null : Math.round((avgWait * Number(r.position)) / available),
    }));
  }
}
