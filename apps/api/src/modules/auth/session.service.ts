import { isPermission, mfaRequiredFor, type Permission } from '@baton/authz';
import {
  ZSessionEndReason,
  type PendingStep,
  type SecuritySettings,
  type SessionEndReason,
  type SessionInfo,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';
import type { HeldSession } from '../../common/decorators/ws-session.decorator.js';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import { appSecrets, matchesAny } from '../../common/crypto/app-secret.js';
import { ConfigService } from '../../config/config.service.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { SecuritySettingsService } from '../settings/security-settings.service.js';

export type { AuthSession, HeldSession };

export type RevokeReason = SessionEndReason;

/**
 * Stored as the revoke reason of a token replaced by `rotate`. Deliberately not a `SessionEndReason`:
 * the session did not end, so whoever presents the old token just has no session (401
 * `unauthenticated`), never a "signed out elsewhere" notice.
 */
const ROTATED = 'rotated';

/** A session's new token after a rotation: the caller sets it (and its CSRF token) as the cookie. */
export interface RotatedSession {
  token: string;
  id: string;
  previousId: string;
  maxAgeMs: number;
}

// Writing last_seen_at on every request would turn reads into writes; this is precise enough.
const TOUCH_AFTER_MS = 15_000;

const sessionInclude = {
  user: { include: { roles: { include: { role: true } }, mfaFactor: true } },
} as const;

/** Whether a session has outlived its absolute or its idle timeout, and which. */
function timedOut(
  times: { createdAt: Date; expiresAt: Date; lastSeenAt: Date },
  settings: SecuritySettings,
  now: number,
): RevokeReason | null {
  const absoluteEnd = Math.min(
    times.expiresAt.getTime(),
    times.createdAt.getTime() + settings.sessionAbsoluteHours * 3_600_000,
  );
  if (now >= absoluteEnd) return 'expired';
  if (now - times.lastSeenAt.getTime() >= settings.sessionIdleMinutes * 60_000) return 'idle_timeout';
  return null;
}

/** The sign-in step the session still owes, if any. */
function pendingStep(
  session: Pick<AuthSession, 'mfaEnabled' | 'mfaVerifiedAt' | 'roles' | 'permissions'>,
  mustChangePassword: boolean,
  settings: SecuritySettings,
): PendingStep | null {
  if (session.mfaEnabled && !session.mfaVerifiedAt) return 'mfa_verification';
  if (mustChangePassword) return 'password_change';
  if (
    !session.mfaEnabled &&
    (settings.mfaRequiredForAll || mfaRequiredFor(session.roles, session.permissions))
  )
    return 'mfa_enrolment';
  return null;
}

/**
 * Server-side sessions. The cookie holds a random token; the database holds only its SHA-256, so a
 * leaked table does not leak sessions. Every instance reads the same rows, so revoking is immediate
 * everywhere.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: SecuritySettingsService,
    private readonly config: ConfigService,
    private readonly events: DomainEventsService,
  ) {}

  static idOf(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** The CSRF token is bound to the session: a token from another session never matches. */
  csrfTokenFor(sessionId: string, secret = this.config.env.APP_SECRET): string {
    return createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
  }

  /** Also a token made before an APP_SECRET rotation, while APP_SECRET_PREVIOUS is set. */
  csrfTokenMatches(sessionId: string, presented: string | undefined): boolean {
    if (!presented) return false;
    return matchesAny(
      presented,
      appSecrets(this.config.env).map((secret) => this.csrfTokenFor(sessionId, secret)),
    );
  }

  async create(
    tx: Tx,
    userId: string,
    client: { ip?: string | undefined; userAgent?: string | undefined },
  ): Promise<{ token: string; id: string; maxAgeMs: number }> {
    const settings = await this.settings.get();
    const token = randomBytes(32).toString('base64url');
    const id = SessionService.idOf(token);
    const maxAgeMs = settings.sessionAbsoluteHours * 3_600_000;
    await tx.session.create({
      data: {
        id,
        userId,
        ip: client.ip ?? null,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        expiresAt: new Date(Date.now() + maxAgeMs),
      },
    });
    return { token, id, maxAgeMs };
  }

  /** The session for a cookie token, or null when unknown, revoked, timed out or its user is disabled. */
  resolve(token: string): Promise<AuthSession | null> {
    return this.resolveById(SessionService.idOf(token));
  }

  async resolveById(id: string): Promise<AuthSession | null> {
    return (await this.hold(id))?.session ?? null;
  }

  /** Like {@link resolveById}, for a holder that keeps the session and {@link check}s it at each use. */
  async hold(id: string): Promise<HeldSession | null> {
    const row = await this.prisma.session.findUnique({ where: { id }, include: sessionInclude });
    if (!row || row.revokedAt || row.user.status !== 'active') return null;
    const settings = await this.settings.get();
    const now = Date.now();
    const expired = timedOut(row, settings, now);
    if (expired) {
      await this.expire(id, row.userId, expired);
      return null;
    }
    if (now - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await this.prisma.session.update({ where: { id }, data: { lastSeenAt: new Date(now) } });
      row.lastSeenAt = new Date(now);
    }

    const roles = row.user.roles.map((r) => r.role.name).sort();
    const permissions = new Set(
      row.user.roles.flatMap((r) => r.role.permissions).filter((p): p is Permission => isPermission(p)),
    );
    const mfaEnabled = Boolean(row.user.mfaFactor?.activatedAt);
    const session: AuthSession = {
      id,
      userId: row.userId,
      email: row.user.email,
      displayName: row.user.displayName,
      roles,
      permissions,
      mfaEnabled,
      mfaVerifiedAt: row.mfaVerifiedAt,
      pending: null,
      idleTimeoutMinutes: settings.sessionIdleMinutes,
    };
    session.pending = pendingStep(session, row.user.mustChangePassword, settings);
    return {
      session,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      lastSeenAt: row.lastSeenAt,
      mustChangePassword: row.user.mustChangePassword,
      stale: false,
    };
  }

  /**
   * The held session as it stands now, or null when it has ended. The pending step, the idle timeout
   * and the absolute lifetime are decided from the held times and the current settings without a
   * query; what ends a session elsewhere closes its holders (`sessions.revoked`, `session.rotated`)
   * or refreshes them (`access.changed`). The session is read again when it looks idle from here (its
   * other tabs' requests may have kept it alive) and when refreshing `last_seen_at` (at most every
   * 15 s, after the answer) found it ended.
   */
  async check(held: HeldSession): Promise<AuthSession | null> {
    const settings = await this.settings.get();
    const now = Date.now();
    const expired = timedOut(held, settings, now);
    if (held.stale || expired === 'idle_timeout') {
      const fresh = await this.hold(held.session.id);
      if (!fresh) return null;
      Object.assign(held, fresh);
      return held.session;
    }
    if (expired) {
      await this.expire(held.session.id, held.session.userId, expired);
      return null;
    }
    if (now - held.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      held.lastSeenAt = new Date(now);
      const where = { id: held.session.id, revokedAt: null };
      this.prisma.session.updateMany({ where, data: { lastSeenAt: held.lastSeenAt } }).then(
        ({ count }) => {
          if (count === 0) held.stale = true;
        },
        () => {
          held.stale = true;
        },
      );
    }
    const pending = pendingStep(held.session, held.mustChangePassword, settings);
    if (pending !== held.session.pending || settings.sessionIdleMinutes !== held.session.idleTimeoutMinutes)
      held.session = { ...held.session, pending, idleTimeoutMinutes: settings.sessionIdleMinutes };
    return held.session;
  }

  /** Found out by this request: the session's open tabs learn why and close, like any other end. */
  private async expire(id: string, userId: string, reason: RevokeReason): Promise<void> {
    if (await this.revoke(id, reason))
      await this.events.publish({ type: 'sessions.revoked', userId, sessionId: id, reason });
  }

  /**
   * Why the session behind a token no longer works, for its own holder's sign-in screen; null for a
   * token that never was a session (which learns nothing).
   */
  endedReason(token: string): Promise<SessionEndReason | null> {
    return this.endedReasonById(SessionService.idOf(token));
  }

  async endedReasonById(id: string): Promise<SessionEndReason | null> {
    const row = await this.prisma.session.findUnique({
      where: { id },
      select: { revokedReason: true, user: { select: { status: true } } },
    });
    if (!row) return null;
    if (row.revokedReason) return ZSessionEndReason.safeParse(row.revokedReason).data ?? null;
    return row.user.status === 'active' ? null : 'user_disabled';
  }

  async markMfaVerified(db: Tx | PrismaService, id: string, at = new Date()): Promise<void> {
    await db.session.update({ where: { id }, data: { mfaVerifiedAt: at } });
  }

  /**
   * Gives the session a new token at a privilege change (sign-in finished, step-up, password or roles
   * changed), in the caller's transaction: a token known before — planted before sign-in, or read off
   * the wire or a log — never carries the rights won after. The session goes on under the new id with
   * the same user, MFA time and start (so its absolute timeout does not move); the old id is revoked.
   */
  async rotate(tx: Tx, id: string): Promise<RotatedSession> {
    const now = new Date();
    const { count } = await tx.session.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: now, revokedReason: ROTATED },
    });
    // Ended (or rotated by a parallel request) meanwhile: there is nothing left to carry on.
    if (count !== 1) throw new DomainError(CommonErrorCode.Unauthenticated, 'Sign in to continue.', 401);
    const old = await tx.session.findUniqueOrThrow({ where: { id } });
    const token = randomBytes(32).toString('base64url');
    const next = await tx.session.create({
      data: {
        id: SessionService.idOf(token),
        userId: old.userId,
        mfaVerifiedAt: old.mfaVerifiedAt,
        ip: old.ip,
        userAgent: old.userAgent,
        createdAt: old.createdAt,
        lastSeenAt: now,
        expiresAt: old.expiresAt,
      },
    });
    return {
      token,
      id: next.id,
      previousId: id,
      maxAgeMs: Math.max(0, next.expiresAt.getTime() - now.getTime()),
    };
  }

  /**
   * Closes the sockets opened with the old token, to reconnect with the new cookie. Called once the
   * response carrying that cookie has gone out: closed any earlier, the tab would reconnect with the
   * old cookie and be refused.
   */
  async announceRotation(userId: string, rotated: RotatedSession): Promise<void> {
    await this.events.publish({ type: 'session.rotated', userId, sessionId: rotated.previousId });
  }

  /** What the audit row of the privilege change records about the rotation (id prefixes, as at sign-in). */
  static rotationAudit(rotated: RotatedSession): { from: string; to: string } {
    return { from: rotated.previousId.slice(0, 16), to: rotated.id.slice(0, 16) };
  }

  /** Ends one session; false when it had ended already. */
  async revoke(id: string, reason: RevokeReason, db: Tx | PrismaService = this.prisma): Promise<boolean> {
    const { count } = await db.session.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count > 0;
  }

  /**
   * Ends every session of a user not yet revoked (but `exceptId`); returns how many. Timed-out ones are
   * revoked too, so raising a timeout later can never bring them back.
   */
  async revokeAllOf(
    db: Tx | PrismaService,
    userId: string,
    reason: RevokeReason,
    exceptId?: string,
  ): Promise<number> {
    const { count } = await db.session.updateMany({
      where: { userId, revokedAt: null, ...(exceptId && { id: { not: exceptId } }) },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count;
  }

  /** Whether the user still has a session that would be accepted now. */
  async hasLive(userId: string): Promise<boolean> {
    return (await this.prisma.session.count({ where: { userId, ...(await this.liveWhere()) } })) > 0;
  }

  private async liveWhere() {
    const settings = await this.settings.get();
    const now = Date.now();
    return {
      revokedAt: null,
      expiresAt: { gt: new Date(now) },
      lastSeenAt: { gt: new Date(now - settings.sessionIdleMinutes * 60_000) },
      createdAt: { gt: new Date(now - settings.sessionAbsoluteHours * 3_600_000) },
    };
  }

  /** Sessions that would still be accepted now (not revoked, not idle or too old). */
  async listLive(userId: string, currentId: string): Promise<SessionInfo[]> {
    const rows = await this.prisma.session.findMany({
      where: { userId, ...(await this.liveWhere()) },
      orderBy: { lastSeenAt: 'desc' },
    });
    return rows.map((s) => ({
      // The id is a hash of the secret token, safe to show; still, a prefix is enough to tell them apart.
      id: s.id.slice(0, 16),
      current: s.id === currentId,
      ip: s.ip,
      userAgent: s.userAgent,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
    }));
  }
}
