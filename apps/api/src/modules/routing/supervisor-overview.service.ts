import type { SupervisorOverview } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';

/** Live numbers for the supervisor wall, computed in a few aggregate queries. */
@Injectable()
export class SupervisorOverviewService {
  constructor(private readonly prisma: PrismaService) {}

  /** `queueIds` limits the view to the queues a supervisor watches; omitted means all. */
  async overview(queueIds?: string[]): Promise<SupervisorOverview> {
    const scope = queueIds ? Prisma.sql`AND q.id = ANY(${queueIds}::uuid[])` : Prisma.empty;
    const queues = await this.prisma.$queryRaw<
      {
        id: string;
        name: string;
        waiting: bigint;
        longest: number | null;
        average: number | null;
        at_risk: bigint;
        breached: bigint;
      }[]
    >`
      SELECT q.id, q.name,
              count(c.id) FILTER (WHERE c.status = 'queued') AS waiting,
              max(extract(epoch FROM now() - c.waiting_since)) FILTER (WHERE c.status = 'queued') AS longest,
              avg(extract(epoch FROM now() - c.waiting_since)) FILTER (WHERE c.status = 'queued') AS average,
              count(c.id) FILTER (WHERE c.first_response_at IS NULL AND c.first_response_due_at > now()
                                    AND c.first_response_due_at - now() < (c.first_response_due_at - c.waiting_since) / 5) AS at_risk,
              count(c.id) FILTER (WHERE c.first_response_at IS NULL AND c.first_response_due_at <= now()) AS breached
         FROM queues q
         LEFT JOIN conversations c ON c.queue_id = q.id AND c.status IN ('queued', 'assigned')
        WHERE q.archived_at IS NULL ${scope}
        GROUP BY q.id, q.name
        ORDER BY q.priority DESC, q.name`;
    const agents = await this.prisma.$queryRaw<
      {
        user_id: string;
        display_name: string;
        presence: 'available' | 'away' | 'offline';
        active_count: number;
        capacity: number;
        conversation_ids: string[] | null;
      }[]
    >`
      SELECT u.id AS user_id, u.display_name, s.presence::text AS presence, s.active_count, s.capacity,
              array_remove(array_agg(c.id), NULL)::text[] AS conversation_ids
         FROM agent_states s
         JOIN users u ON u.id = s.user_id AND u.status = 'active'
         LEFT JOIN conversations c ON c.assignee_id = s.user_id AND c.status = 'assigned'
        WHERE ${
          queueIds
            ? Prisma.sql`EXISTS (SELECT 1 FROM queue_members m JOIN queues q ON q.id = m.queue_id
                                   WHERE m.user_id = s.user_id ${scope})`
            : Prisma.sql`TRUE`
        }
        GROUP BY u.id, u.display_name, s.presence, s.active_count, s.capacity
        ORDER BY u.display_name`;
    const seconds = (value: number | null) => (value === null ? null : Math.round(Number(value)));
    return {
      at: new Date().toISOString(),
      queues: queues.map((q) => ({
        id: q.id,
        name: q.name,
        waiting: Number(q.waiting),
        longestWaitSeconds: seconds(q.longest),
        averageWaitSeconds: seconds(q.average),
        slaAtRisk: Number(q.at_risk),
        slaBreached: Number(q.breached),
      })),
      agents: agents.map((a) => ({
        userId: a.user_id,
        displayName: a.display_name,
        presence: a.presence,
        activeCount: a.active_count,
        capacity: a.capacity,
        conversationIds: a.conversation_ids ?? [],
      })),
    };
  }

  /** The queues a user supervises (members with the supervisor flag); admins see every queue. */
  async scopeFor(userId: string, seesAll: boolean): Promise<string[] | undefined> {
    if (seesAll) return undefined;
    const rows = await this.prisma.queueMember.findMany({
      where: { userId, isSupervisor: true },
      select: { queueId: true },
    });
    return rows.map((r) => r.queueId);
  }
}
