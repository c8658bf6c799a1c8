import type { SupervisorHistory } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { PrismaService } from '../../prisma/prisma.service.js';

const MINUTE_MS = 60_000;

/**
 * The timeline events that change a conversation's status, in lifecycle order. Events written in one
 * transaction share a timestamp (a handoff the API assigns at once); the order breaks those ties.
 */
const STATUS_EVENTS = [
  'conversation.handed_off',
  'conversation.reopened',
  'conversation.unassigned',
  'conversation.transferred',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.closed',
  'conversation.handed_back',
];

/**
 * Waiting and handled conversations over the last hours, rebuilt from the conversations' timelines
 * (no sampling): each status event opens a segment that lasts until the conversation's next one, and
 * carries the queue of the latest handoff or transfer.
 */
@Injectable()
export class SupervisorHistoryService {
  constructor(private readonly prisma: PrismaService) {}

  async history(hours: number, queueId?: string): Promise<SupervisorHistory> {
    if (queueId && !(await this.prisma.queue.findUnique({ where: { id: queueId }, select: { id: true } }))) {
      throw new DomainError(CommonErrorCode.NotFound, 'No such queue.', 404);
    }
    // Short ranges get quarter hours, so a chart of the last hour still has a shape.
    const bucketMinutes = hours <= 4 ? 15 : 60;
    const stepMs = bucketMinutes * MINUTE_MS;
    const count = (hours * 60) / bucketMinutes;
    const to = new Date();
    const current = Math.floor(to.getTime() / stepMs) * stepMs;
    const from = new Date(current - (count - 1) * stepMs);
    const starts = Array.from({ length: count }, (_, i) => new Date(from.getTime() + i * stepMs));

    // A conversation waiting at some moment of the range either had a status event since `from` or
    // has not changed since, and then it is queued now: those are the only ones worth replaying.
    const rows = await this.prisma.$queryRaw<{ start: Date; handled: bigint; waiting: bigint }[]>`
      WITH candidates AS (
         SELECT id AS conversation_id FROM conversations WHERE status = 'queued'
         UNION
         SELECT conversation_id FROM conversation_events WHERE type = ANY(${STATUS_EVENTS}::text[]) AND created_at >= ${from}
       ),
       moves AS (
         SELECT e.conversation_id, e.created_at,
                CASE
                  WHEN e.type = 'conversation.transferred'
                    THEN CASE WHEN e.data->>'toQueueId' IS NOT NULL THEN 'queued' ELSE 'assigned' END
                  WHEN e.type IN ('conversation.handed_off', 'conversation.reopened', 'conversation.unassigned')
                    THEN 'queued'
                  WHEN e.type = 'conversation.assigned' THEN 'assigned'
                  WHEN e.type = 'conversation.resolved' THEN 'resolved'
                  WHEN e.type = 'conversation.closed' THEN 'closed'
                  ELSE 'bot'
                END AS status,
                CASE WHEN e.type IN ('conversation.handed_off', 'conversation.transferred')
                     THEN coalesce(e.data->>'toQueueId', e.data->>'queueId') END AS queue_id,
                array_position(${STATUS_EVENTS}::text[], e.type) AS tie
           FROM conversation_events e
           JOIN candidates USING (conversation_id)
          WHERE e.type = ANY(${STATUS_EVENTS}::text[]) AND e.created_at <= ${to}
       ),
       ordered AS (
         SELECT m.*,
                count(m.queue_id) OVER w AS queue_run,
                lead(m.created_at) OVER w AS until
           FROM moves m
         WINDOW w AS (PARTITION BY m.conversation_id ORDER BY m.created_at, m.tie
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
       ),
       segments AS (
         SELECT o.conversation_id, o.status, o.created_at AS since, o.until,
                first_value(o.queue_id) OVER (PARTITION BY o.conversation_id, o.queue_run
                                              ORDER BY o.created_at, o.tie) AS queue_id
           FROM ordered o
       ),
       scoped AS (
         SELECT * FROM segments WHERE ${queueId ?? null}::text IS NULL OR queue_id = ${queueId ?? null}::text
       ),
       buckets AS (
         SELECT start, start + ${stepMs}::int * interval '1 millisecond' AS finish,
                least(start + ${stepMs}::int * interval '1 millisecond', ${to}) AS at
           FROM unnest(${starts}::timestamptz[]) AS start
       )
       SELECT b.start,
              (SELECT count(DISTINCT s.conversation_id) FROM scoped s
                WHERE s.status = 'resolved' AND s.since >= b.start AND s.since < b.finish) AS handled,
              (SELECT count(*) FROM scoped s
                WHERE s.status = 'queued' AND s.since <= b.at AND (s.until IS NULL OR s.until > b.at)) AS waiting
         FROM buckets b
        ORDER BY b.start`;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucketMinutes,
      buckets: rows.map((r) => ({
        start: r.start.toISOString(),
        waiting: Number(r.waiting),
        handled: Number(r.handled),
      })),
    };
  }
}
