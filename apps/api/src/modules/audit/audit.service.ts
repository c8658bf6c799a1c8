import type { AuditAction, AuditResult } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { currentRequestContext, type Actor } from '../../common/http/request-context.js';
import { Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';

export interface AuditEntry {
  action: AuditAction;
  result?: AuditResult;
  target?: { type: string; id?: string | null };
  data?: Record<string, unknown>;
  /** Defaults to the authenticated actor of the current request; `null` records the system. */
  actor?: Actor | null;
}

// Defence in depth: even if a caller passes one by mistake, a secret never reaches the trail.
const SECRET_KEY = /^(.*password|.*secret|.*token|otp|code|recovery_?codes?|api_?key|authorization|cookie)$/i;

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, SECRET_KEY.test(key) ? '[redacted]' : scrub(v)]),
    );
  }
  return value;
}

/** The columns of an audit row, in the order {@link auditRowValues} gives their values. */
const AUDIT_COLUMNS = Prisma.sql`(actor_id, actor_email, actor_roles, action, result, target_type,
  target_id, ip, user_agent, request_id, data)`;

/**
 * The values of one audit row: the entry, scrubbed, with the current request's actor, address, user
 * agent and id. `dataPrefix`, a SQL jsonb expression, is merged under the entry's data (for values
 * only the statement writing the change knows, such as a new row's id).
 */
function auditRowValues(entry: AuditEntry, dataPrefix?: Prisma.Sql, targetId?: Prisma.Sql): Prisma.Sql[] {
  const context = currentRequestContext();
  const actor = entry.actor === undefined ? context?.actor : entry.actor;
  const data = Prisma.sql`${JSON.stringify(scrub(entry.data ?? {}))}::jsonb`;
  return [
    Prisma.sql`${actor?.id ?? null}::uuid`,
    Prisma.sql`${actor?.email ?? null}`,
    Prisma.sql`${actor?.roles ?? []}::text[]`,
    Prisma.sql`${entry.action}`,
    Prisma.sql`${entry.result ?? 'success'}::"AuditResult"`,
    Prisma.sql`${entry.target?.type ?? null}`,
    targetId ?? Prisma.sql`${entry.target?.id ?? null}`,
    Prisma.sql`${context?.ip ?? null}`,
    Prisma.sql`${context?.userAgent?.slice(0, 512) ?? null}`,
    Prisma.sql`${context?.requestId ?? null}`,
    dataPrefix ? Prisma.sql`${dataPrefix} || ${data}` : data,
  ];
}

/**
 * For a writer that records its change and the change's audit row in one statement: the `INSERT` of
 * the row, once for each row of `from` (the statement's other parts), built exactly as
 * {@link AuditService.record} builds it. `dataPrefix` may use the columns of `from`, and so may
 * `targetId` (a SQL text expression), which replaces the entry's target id when one row per target.
 */
export function auditInsertFrom(
  entry: AuditEntry,
  from: Prisma.Sql,
  dataPrefix: Prisma.Sql,
  targetId?: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`INSERT INTO audit_events ${AUDIT_COLUMNS}
    SELECT ${Prisma.join(auditRowValues(entry, dataPrefix, targetId))} FROM ${from}`;
}

/**
 * Writes audit events. Pass the transaction of the change being recorded so the event commits or
 * rolls back with it. Rows are written unsealed; {@link AuditSealerService} links them into the
 * hash chain moments later, so writers never serialise on the chain's head.
 */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(db: Tx | PrismaService, ...entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => Prisma.sql`(${Prisma.join(auditRowValues(entry))})`);
    // Hand-written SQL: on a hot path (every request writes one) Prisma's query building costs more
    // than the insert itself, and this table has no relations to manage.
    await db.$executeRaw`INSERT INTO audit_events ${AUDIT_COLUMNS} VALUES ${Prisma.join(rows)}`;
  }

  /** For events with no surrounding change (denials, failed logins, reads of sensitive data). */
  recordNow(...entries: AuditEntry[]): Promise<void> {
    return this.record(this.prisma, ...entries);
  }
}
