import type { SupervisorOverview, SupervisorOverviewPage, SupervisorOverviewQuery } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';

/** Live numbers for the supervisor wall, aggregated in SQL: one query for the queues, one for the agents. */
@Injectable()
export class SupervisorOverviewService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * `queueIds` limits the view to the queues a supervisor watches; omitted means all. Every agent of
   * those queues, by name: what the realtime pushes start from; a wall loads them with {@link page}.
   */
  async overview(queueIds?: string[]): Promise<SupervisorOverview> {
    return this.read(queueIds);
  }

  /** The wall's first load: every queue in scope, and one page of their agents by name. */
  async page(
    queueIds: string[] | undefined,
    query: SupervisorOverviewQuery,
  ): Promise<SupervisorOverviewPage> {
    const overview = await this.read(queueIds, query);
    const agents = overview.agents.slice(0, query.agentsLimit);
    return {
      ...overview,
      agents,
      agentsNextCursor: overview.agents.length > query.agentsLimit ? (agents.at(-1)?.userId ?? null) : null,
    };
  }

  /** With `page`, one more agent than it asks for, so the caller knows whether another page follows. */
  private async read(queueIds?: string[], page?: SupervisorOverviewQuery): Promise<SupervisorOverview> {
    const inScope = queueIds ? Prisma.sql`AND q.id = ANY(${queueIds}::uuid[])` : Prisma.empty;
    const watched = queueIds
      ? Prisma.sql`EXISTS (SELECT 1 FROM queue_members m JOIN queues q ON q.id = m.queue_id WHERE m.user_id = s.user_id ${inScope})`
      : Prisma.sql`TRUE`;
    const afterCursor = page?.agentsCursor
      ? Prisma.sql`AND (u.display_name, u.id) > (SELECT display_name, id FROM users WHERE id = ${page.agentsCursor}::uuid)`
      : Prisma.empty;
    const limit = page ? Prisma.sql`LIMIT ${page.agentsLimit + 1}` : Prisma.empty;
    // The queues from conversations_open_queue_idx and the page of agents with their assigned
    // conversations from conversations_assigned_idx, both at once (two pool connections).
    const [queues, agents] = await Promise.all([
      this.prisma.$queryRaw<
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
       WHERE q.archived_at IS NULL ${inScope}
       GROUP BY q.id, q.name
       ORDER BY q.priority DESC, q.name`,
      this.prisma.$queryRaw<
        {
          user_id: string;
          display_name: string;
          presence: 'available' | 'away' | 'offline';
          active_count: number;
          capacity: number;
          conversation_ids: string[];
        }[]
      >`
      SELECT a.*,
             ARRAY(SELECT c.id::text FROM conversations c
                    WHERE c.assignee_id = a.user_id AND c.status = 'assigned' ORDER BY c.assigned_at, c.id) AS conversation_ids
        FROM (SELECT u.id AS user_id, u.display_name, s.presence::text AS presence, s.active_count, s.capacity
                FROM agent_states s
                JOIN users u ON u.id = s.user_id AND u.status = 'active'
               WHERE ${watched} ${afterCursor}
               ORDER BY u.display_name, u.id ${limit}) AS a
       ORDER BY a.display_name, a.user_id`,
    ]);
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
        conversationIds: a.conversation_ids,
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
