import type { AuditAction, AuditResult } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { currentRequestContext, type Actor } from '../../common/http/request-context.js';
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
const SECRET_KEY = /pass(word)?|secret|token|recovery|otp|^code$/i;

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
    const context = currentRequestContext();
    await db.auditEvent.createMany({
      data: entries.map((entry) => {
        const actor = entry.actor === undefined ? context?.actor : entry.actor;
        return {
          actorId: actor?.id ?? null,
          actorEmail: actor?.email ?? null,
          actorRoles: actor?.roles ?? [],
          action: entry.action,
          result: entry.result ?? 'success',
          targetType: entry.target?.type ?? null,
          targetId: entry.target?.id ?? null,
          ip: context?.ip ?? null,
          userAgent: context?.userAgent?.slice(0, 512) ?? null,
          requestId: context?.requestId ?? null,
          data: scrub(entry.data ?? {}) as object,
        };
      }),
    });
  }

  /** For events with no surrounding change (denials, failed logins, reads of sensitive data). */
  recordNow(...entries: AuditEntry[]): Promise<void> {
    return this.record(this.prisma, ...entries);
  }
}
