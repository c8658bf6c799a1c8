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
    const context = currentRequestContext();
    const rows = entries.map((entry) => {
      const actor = entry.actor === undefined ? context?.actor : entry.actor;
      return Prisma.sql`(${actor?.id ?? null}::uuid, ${actor?.email ?? null}, ${actor?.roles ?? []}::text[],
        ${entry.action}, ${entry.result ?? 'success'}::"AuditResult", ${entry.target?.type ?? null},
        ${entry.target?.id ?? null}, ${context?.ip ?? null}, ${context?.userAgent?.slice(0, 512) ?? null},
        ${context?.requestId ?? null}, ${JSON.stringify(scrub(entry.data ?? {}))}::jsonb)`;
    });
    // Hand-written SQL: on a hot path (every request writes one) Prisma's query building costs more
    // than the insert itself, and this table has no relations to manage.
    await db.$executeRaw`
      INSERT INTO audit_events
        (actor_id, actor_email, actor_roles, action, result, target_type, target_id, ip, user_agent, request_id, data)
      VALUES ${Prisma.join(rows)}`;
  }

  /** For events with no surrounding change (denials, failed logins, reads of sensitive data). */
  recordNow(...entries: AuditEntry[]): Promise<void> {
    return this.record(this.prisma, ...entries);
  }
}
