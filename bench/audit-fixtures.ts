/**
 * Audit events at size, shared by the benchmarks that search or verify the trail: a few busy actors
 * (integrations, the system, full-time agents) write most events, most people write few; seq and time
 * grow together as they do in a live trail.
 */
import type { AuditQuery } from '@baton/contracts';
import type { PrismaClient } from '../apps/api/src/generated/prisma/client.js';

export const AUDIT_ACTORS = 1_000;
export const AUDIT_TARGETS = 50_000;
export const AUDIT_DAYS = 90;
export const AUDIT_BUSY_ACTORS = 10;
export const AUDIT_BUSY_SHARE = 0.9;
const ACTIONS = [
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.logged_out',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.transferred',
  'message.created',
  'user.updated',
  'queue.updated',
  'access.denied',
];
const TARGET_TYPES = ['conversation', 'user', 'queue', 'session'];

const actorId = (i: number) => `00000000-0000-4000-8000-${String(i % AUDIT_ACTORS).padStart(12, '0')}`;
const targetId = (i: number) => `10000000-0000-4000-8000-${String(i % AUDIT_TARGETS).padStart(12, '0')}`;
const day = (i: number) => new Date(Date.now() - ((i % AUDIT_DAYS) + 1) * 86_400_000);

/** What people search for on the audit screen; `i` varies the value between searches. */
export const AUDIT_FILTERS: Record<string, (i: number) => Partial<AuditQuery>> = {
  'latest page (no filter)': () => ({}),
  actor: (i) => ({ actorId: actorId(i * 37) }),
  'actor, one week': (i) => ({
    actorId: actorId(i * 37),
    from: day(i + 7).toISOString(),
    to: day(i).toISOString(),
  }),
  'busy actor, one day': (i) => ({
    actorId: actorId(i % AUDIT_BUSY_ACTORS),
    from: day(i + 1).toISOString(),
    to: day(i).toISOString(),
  }),
  'actor email': (i) => ({ actorEmail: `agent${(i * 37) % AUDIT_ACTORS}@example.test` }),
  'actor email, no events': (i) => ({ actorEmail: `former${i}@example.test` }),
  action: (i) => ({ action: ACTIONS[i % ACTIONS.length] as AuditQuery['action'] }),
  'action, one day': (i) => ({
    action: ACTIONS[i % ACTIONS.length] as AuditQuery['action'],
    from: day(i + 1).toISOString(),
    to: day(i).toISOString(),
  }),
  'target id': (i) => ({ targetId: targetId(i * 101) }),
  'target type and id': (i) => ({
    targetType: TARGET_TYPES[(i * 101) % TARGET_TYPES.length],
    targetId: targetId(i * 101),
  }),
  denied: () => ({ result: 'denied' }),
  'denied, one day': (i) => ({ result: 'denied', from: day(i + 1).toISOString(), to: day(i).toISOString() }),
  'one day': (i) => ({ from: day(i + 1).toISOString(), to: day(i).toISOString() }),
};

export const describeAuditEvents = (events: number) =>
  `${events} events (${AUDIT_ACTORS} actors, ${AUDIT_BUSY_ACTORS} of them writing ${AUDIT_BUSY_SHARE * 100} %; ` +
  `${AUDIT_TARGETS} targets; ${AUDIT_DAYS} days)`;

/** Writes `events` unsealed audit events with one `INSERT … SELECT generate_series`, oldest first. */
export async function insertAuditEvents(prisma: PrismaClient, events: number): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO audit_events (occurred_at, actor_id, actor_email, actor_roles, action, target_type, target_id,
                              result, ip, request_id, data)
    SELECT now() - make_interval(days => ${AUDIT_DAYS}::int) + (g * make_interval(days => ${AUDIT_DAYS}::int)) / ${events}::int,
           ('00000000-0000-4000-8000-' || lpad(a.n::text, 12, '0'))::uuid,
           'agent' || a.n || '@example.test',
           ARRAY['agent'],
           (${ACTIONS}::text[])[1 + (g * 7) % ${ACTIONS.length}::int],
           (${TARGET_TYPES}::text[])[1 + (g % ${AUDIT_TARGETS}::int) % ${TARGET_TYPES.length}::int],
           '10000000-0000-4000-8000-' || lpad((g % ${AUDIT_TARGETS}::int)::text, 12, '0'),
           (CASE WHEN g % 97 = 0 THEN 'denied' ELSE 'success' END)::"AuditResult",
           '10.20.30.40', gen_random_uuid()::text, '{}'::jsonb
      FROM generate_series(1, ${events}::int) AS g,
           LATERAL (SELECT CASE WHEN g % 100 < ${Math.round(AUDIT_BUSY_SHARE * 100)}::int THEN g % ${AUDIT_BUSY_ACTORS}::int
                                ELSE ${AUDIT_BUSY_ACTORS}::int + g % ${AUDIT_ACTORS - AUDIT_BUSY_ACTORS}::int END AS n) AS a`;
  await prisma.$executeRaw`ANALYZE audit_events`;
}
