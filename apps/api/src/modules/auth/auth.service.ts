import type { SessionState } from '@baton/contracts';
import { AuthErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { DomainError, RateLimitedError, ValidationError } from '../../common/errors/domain.error.js';
import { currentRequestContext } from '../../common/http/request-context.js';
import type { User } from '../../generated/prisma/client.js';
import { PrismaService } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { AttemptLimitsService, type LoginAttempt } from './attempt-limits.service.js';
import { dummyHash, hashPassword, passwordProblems, verifyPassword } from '@baton/security';
import { SessionService, type AuthSession, type RotatedSession } from './session.service.js';

const invalidCredentials = () =>
  new DomainError(AuthErrorCode.InvalidCredentials, 'Email or password is incorrect.', 401);

@Injectable()
export class AuthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionService,
    private readonly limits: AttemptLimitsService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
  ) {}

  private clientIp(): string {
    return currentRequestContext()?.ip ?? 'unknown';
  }

  /**
   * Checks email and password under the brute-force limits; every outcome is audited.
   * `deviceOf` answers the device id of a genuine device cookie for that user (see `DeviceCookies`).
   */
  async verifyCredentials(
    email: string,
    password: string,
    deviceOf: (userId: string) => string | null = () => null,
  ): Promise<User> {
    const user = await this.prisma.user.findUnique({ where: { email } });
    const deviceId = user ? deviceOf(user.id) : null;
    let attempt: LoginAttempt;
    try {
      attempt = await this.limits.beginLogin(email, this.clientIp(), deviceId);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        await this.audit.recordNow({
          action: 'auth.login_throttled',
          result: 'denied',
          actor: null,
          target: { type: 'user', id: null },
          data: {
            email,
            retryAfterSeconds: Math.ceil(error.retryAfterSeconds),
            knownDevice: deviceId !== null,
          },
        });
      }
      throw error;
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || user.status !== 'active') {
      await this.limits.loginFailed(attempt);
      await this.audit.recordNow({
        action: 'auth.login_failed',
        result: 'failed',
        actor: null,
        target: { type: 'user', id: user?.id ?? null },
        data: {
          email,
          reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'account_disabled',
          knownDevice: deviceId !== null,
        },
      });
      throw invalidCredentials();
    }
    await this.limits.loginSucceeded(attempt);
    return user;
  }

  /** Opens a session for a user whose credentials were just verified. */
  async startSession(user: User): Promise<{ token: string; id: string; maxAgeMs: number }> {
    const context = currentRequestContext();
    const roles = await this.prisma.userRole.findMany({
      where: { userId: user.id },
      include: { role: true },
    });
    return this.prisma.$transaction(async (tx) => {
      const created = await this.sessions.create(tx, user.id, {
        ip: context?.ip,
        userAgent: context?.userAgent,
      });
      await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      await this.audit.record(tx, {
        action: 'auth.login_succeeded',
        actor: { id: user.id, email: user.email, roles: roles.map((r) => r.role.name).sort() },
        target: { type: 'user', id: user.id },
        data: { session: created.id.slice(0, 16) },
      });
      return created;
    });
  }

  state(session: AuthSession): SessionState {
    return {
      user: {
        id: session.userId,
        email: session.email,
        displayName: session.displayName,
        roles: session.roles,
        permissions: [...session.permissions].sort(),
        mfaEnabled: session.mfaEnabled,
      },
      pending: session.pending,
      csrfToken: this.sessions.csrfTokenFor(session.id),
      mfaVerifiedAt: session.mfaVerifiedAt?.toISOString() ?? null,
      idleTimeoutSeconds: session.idleTimeoutMinutes * 60,
    };
  }

  async logout(session: AuthSession): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.sessions.revoke(session.id, 'logout', tx);
      await this.audit.record(tx, {
        action: 'auth.logged_out',
        target: { type: 'user', id: session.userId },
      });
    });
    await this.events.publish({
      type: 'sessions.revoked',
      userId: session.userId,
      sessionId: session.id,
      reason: 'logout',
    });
  }

  async endOtherSessions(session: AuthSession): Promise<number> {
    const ended = await this.prisma.$transaction(async (tx) => {
      const ended = await this.sessions.revokeAllOf(tx, session.userId, 'logout_others', session.id);
      await this.audit.record(tx, {
        action: 'auth.other_sessions_ended',
        target: { type: 'user', id: session.userId },
        data: { ended },
      });
      return ended;
    });
    await this.events.publish({
      type: 'sessions.revoked',
      userId: session.userId,
      exceptSessionId: session.id,
      reason: 'logout_others',
    });
    return ended;
  }

  /**
   * Replaces the password (also the forced first change); ends every other session of the user and
   * gives this one a new token.
   */
  async changePassword(
    session: AuthSession,
    currentPassword: string,
    newPassword: string,
  ): Promise<RotatedSession> {
    try {
      await this.limits.beginPasswordChange(session.userId);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        await this.audit.recordNow({
          action: 'auth.password_change_throttled',
          result: 'denied',
          target: { type: 'user', id: session.userId },
          data: { retryAfterSeconds: Math.ceil(error.retryAfterSeconds) },
        });
      }
      throw error;
    }
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: session.userId } });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.audit.recordNow({
        action: 'auth.password_change_failed',
        result: 'failed',
        target: { type: 'user', id: user.id },
        data: { reason: 'wrong_current_password' },
      });
      throw new DomainError(
        AuthErrorCode.CurrentPasswordIncorrect,
        'The current password is incorrect.',
        400,
      );
    }
    // The current password was right: this attempt does not count towards the limit.
    await this.limits.passwordChangeSucceeded(session.userId);
    const problems = passwordProblems(newPassword, user.email);
    if (currentPassword === newPassword) problems.push('must differ from the current password');
    if (problems.length > 0) {
      throw new ValidationError(problems.map((message) => ({ path: 'newPassword', message })));
    }
    const passwordHash = await hashPassword(newPassword);
    const rotated = await this.prisma.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: user.id },
        data: { passwordHash, mustChangePassword: false, passwordChangedAt: new Date() },
      });
      const ended = await this.sessions.revokeAllOf(tx, user.id, 'password_changed', session.id);
      const rotated = await this.sessions.rotate(tx, session.id);
      await this.audit.record(tx, {
        action: 'auth.password_changed',
        target: { type: 'user', id: user.id },
        data: {
          otherSessionsEnded: ended,
          forced: user.mustChangePassword,
          rotatedSession: SessionService.rotationAudit(rotated),
        },
      });
      return rotated;
    });
    await this.events.publish({
      type: 'sessions.revoked',
      userId: user.id,
      exceptSessionId: session.id,
      reason: 'password_changed',
    });
    return rotated;
  }
}
