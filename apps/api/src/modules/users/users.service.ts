import { BuiltInRole, Permission, isPermission } from '@baton/authz';
import type {
  AccessReviewEntry,
  CreateUserRequest,
  CreatedUser,
  SessionEndReason,
  UserSummary,
} from '@baton/contracts';
import { UsersErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { generateOneTimePassword, hashPassword } from '@baton/security';
import { SessionService, type AuthSession, type RotatedSession } from '../auth/session.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import { SecuritySettingsService } from '../settings/security-settings.service.js';

const userInclude = { roles: { include: { role: true } }, mfaFactor: true } as const;
type UserWithRoles = Prisma.UserGetPayload<{ include: typeof userInclude }>;

const DAY_MS = 86_400_000;

function toSummary(user: UserWithRoles): UserSummary {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    status: user.status,
    roles: user.roles.map((r) => r.role.name).sort(),
    mfaEnabled: Boolean(user.mfaFactor?.activatedAt),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such user.', 404);

/** Dormancy counts from the last sign-in (or creation) or the last re-enable, whichever is later. */
function lastActiveAt(user: { lastLoginAt: Date | null; createdAt: Date; reactivatedAt: Date | null }): Date {
  const signIn = user.lastLoginAt ?? user.createdAt;
  return user.reactivatedAt && user.reactivatedAt > signIn ? user.reactivatedAt : signIn;
}

function inactiveSince(cutoff: Date): Prisma.UserWhereInput {
  return {
    AND: [
      { OR: [{ lastLoginAt: { lt: cutoff } }, { lastLoginAt: null, createdAt: { lt: cutoff } }] },
      { OR: [{ reactivatedAt: null }, { reactivatedAt: { lt: cutoff } }] },
    ],
  };
}

/** Admin operations on accounts. Each change and its audit event commit together. */
@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly settings: SecuritySettingsService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
  ) {}

  /** After commit: the user's sockets close on every instance (requests already fail: sessions are checked each time). */
  private async socketsEnded(
    userId: string,
    reason: SessionEndReason,
    exceptSessionId?: string,
  ): Promise<void> {
    await this.events.publish({
      type: 'sessions.revoked',
      userId,
      reason,
      ...(exceptSessionId && { exceptSessionId }),
    });
  }

  private async roleIds(tx: Tx, names: string[]): Promise<{ id: string; name: string }[]> {
    const unique = [...new Set(names)];
    const roles = await tx.role.findMany({
      where: { name: { in: unique } },
      select: { id: true, name: true },
    });
    const missing = unique.filter((n) => !roles.some((r) => r.name === n));
    if (missing.length > 0) {
      throw new ValidationError(
        missing.map((name) => ({ path: 'roles', message: `unknown role "${name}"` })),
      );
    }
    return roles;
  }

  /** The last active admin cannot lose the role or be disabled: someone must be able to administer. */
  private async isLastAdmin(tx: Tx, userId: string): Promise<boolean> {
    // Serialises every change that could remove an admin: two admins disabling each other at the
    // same moment must not both see the other as still active.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('baton:admins'))`;
    const isAdmin = await tx.userRole.count({ where: { userId, role: { name: BuiltInRole.Admin } } });
    if (isAdmin === 0) return false;
    const others = await tx.user.count({
      where: {
        id: { not: userId },
        status: 'active',
        roles: { some: { role: { name: BuiltInRole.Admin } } },
      },
    });
    return others === 0;
  }

  private async assertNotLastAdmin(tx: Tx, userId: string): Promise<void> {
    if (await this.isLastAdmin(tx, userId)) {
      throw new DomainError(
        UsersErrorCode.LastAdmin,
        'This is the last active admin; appoint another admin first.',
        409,
      );
    }
  }

  private async existing(tx: Tx, id: string) {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw notFound();
    return user;
  }

  private async summaryOf(tx: Tx, id: string): Promise<UserSummary> {
    return toSummary(await tx.user.findUniqueOrThrow({ where: { id }, include: userInclude }));
  }

  async list(): Promise<UserSummary[]> {
    const users = await this.prisma.user.findMany({ include: userInclude, orderBy: { email: 'asc' } });
    await this.audit.recordNow({
      action: 'user.listed',
      target: { type: 'user' },
      data: { count: users.length },
    });
    return users.map(toSummary);
  }

  async get(id: string): Promise<UserSummary> {
    const user = await this.prisma.user.findUnique({ where: { id }, include: userInclude });
    if (!user) throw notFound();
    return toSummary(user);
  }

  /** Invites a user: a one-time password, shown once, that must be changed at first sign-in. */
  async create(actor: AuthSession, input: CreateUserRequest): Promise<CreatedUser> {
    if (input.roles.length > 0 && !actor.permissions.has(Permission.RoleManage)) {
      await this.audit.recordNow({
        action: 'access.denied',
        result: 'denied',
        target: { type: 'user', id: null },
        data: {
          status: 403,
          reason: 'missing_permission',
          required: [Permission.RoleManage],
          roles: input.roles,
        },
      });
      throw new DomainError(
        CommonErrorCode.Forbidden,
        'Granting roles needs the role:manage permission.',
        403,
      );
    }
    const oneTimePassword = generateOneTimePassword();
    const passwordHash = await hashPassword(oneTimePassword);
    const user = await this.prisma.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email } })) {
        throw new DomainError(UsersErrorCode.EmailTaken, 'A user with this email already exists.', 409);
      }
      const roles = await this.roleIds(tx, input.roles);
      const created = await tx.user.create({
        data: {
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          mustChangePassword: true,
          roles: { create: roles.map((r) => ({ roleId: r.id })) },
        },
        include: userInclude,
      });
      await this.audit.record(tx, {
        action: 'user.created',
        target: { type: 'user', id: created.id },
        data: { email: created.email, roles: roles.map((r) => r.name).sort() },
      });
      return created;
    });
    return { user: toSummary(user), oneTimePassword };
  }

  async update(id: string, displayName: string): Promise<UserSummary> {
    const summary = await this.prisma.$transaction(async (tx) => {
      const before = await this.existing(tx, id);
      const user = await tx.user.update({ where: { id }, data: { displayName }, include: userInclude });
      await this.audit.record(tx, {
        action: 'user.updated',
        target: { type: 'user', id },
        data: { displayName: { from: before.displayName, to: displayName } },
      });
      return toSummary(user);
    });
    // Their open sockets hold their session, name included: every instance re-reads it.
    await this.events.publish({ type: 'access.changed', userIds: [id] });
    return summary;
  }

  /**
   * Replaces a user's roles; their sessions end so the new rights apply from a fresh sign-in. An admin
   * changing their own roles keeps the session they act from, under a new token (`rotated`).
   */
  async setRoles(
    actor: AuthSession,
    id: string,
    names: string[],
  ): Promise<{ user: UserSummary; rotated: RotatedSession | null }> {
    const self = id === actor.userId;
    const result = await this.prisma.$transaction(async (tx) => {
      const before = await tx.user.findUnique({ where: { id }, include: userInclude });
      if (!before) throw notFound();
      const roles = await this.roleIds(tx, names);
      const from = before.roles.map((r) => r.role.name).sort();
      const to = roles.map((r) => r.name).sort();
      if (from.includes(BuiltInRole.Admin) && !to.includes(BuiltInRole.Admin))
        await this.assertNotLastAdmin(tx, id);
      await tx.userRole.deleteMany({ where: { userId: id } });
      await tx.userRole.createMany({ data: roles.map((r) => ({ userId: id, roleId: r.id })) });
      const ended = await this.sessions.revokeAllOf(tx, id, 'roles_changed', self ? actor.id : undefined);
      const rotated = self ? await this.sessions.rotate(tx, actor.id) : null;
      await this.audit.record(tx, {
        action: 'user.roles_changed',
        target: { type: 'user', id },
        data: {
          from,
          to,
          sessionsEnded: ended,
          ...(rotated && { rotatedSession: SessionService.rotationAudit(rotated) }),
        },
      });
      return { user: await this.summaryOf(tx, id), rotated };
    });
    await this.socketsEnded(id, 'roles_changed', self ? actor.id : undefined);
    return result;
  }

  async setStatus(actor: AuthSession, id: string, status: 'active' | 'disabled'): Promise<UserSummary> {
    if (status === 'disabled' && id === actor.userId) {
      throw new DomainError(UsersErrorCode.CannotDisableSelf, 'You cannot disable your own account.', 409);
    }
    const result = await this.prisma.$transaction(async (tx) => {
      const before = await this.existing(tx, id);
      if (before.status === status) return this.summaryOf(tx, id);
      if (status === 'disabled') await this.assertNotLastAdmin(tx, id);
      const user = await tx.user.update({
        where: { id },
        data:
          status === 'disabled'
            ? { status, disabledAt: new Date() }
            : { status, disabledAt: null, reactivatedAt: new Date() },
        include: userInclude,
      });
      const ended = status === 'disabled' ? await this.sessions.revokeAllOf(tx, id, 'user_disabled') : 0;
      await this.audit.record(tx, {
        action: status === 'disabled' ? 'user.disabled' : 'user.enabled',
        target: { type: 'user', id },
        data: status === 'disabled' ? { sessionsEnded: ended, reason: 'admin' } : {},
      });
      return toSummary(user);
    });
    if (status === 'disabled') await this.socketsEnded(id, 'user_disabled');
    return result;
  }

  async resetMfa(id: string): Promise<UserSummary> {
    const result = await this.prisma.$transaction(async (tx) => {
      await this.existing(tx, id);
      const hadMfa = await this.mfa.reset(tx, id);
      const ended = await this.sessions.revokeAllOf(tx, id, 'mfa_reset');
      await this.audit.record(tx, {
        action: 'user.mfa_reset',
        target: { type: 'user', id },
        data: { hadMfa, sessionsEnded: ended },
      });
      return this.summaryOf(tx, id);
    });
    await this.socketsEnded(id, 'mfa_reset');
    return result;
  }

  async endSessions(id: string): Promise<number> {
    const result = await this.prisma.$transaction(async (tx) => {
      await this.existing(tx, id);
      const ended = await this.sessions.revokeAllOf(tx, id, 'ended_by_admin');
      await this.audit.record(tx, {
        action: 'user.sessions_ended',
        target: { type: 'user', id },
        data: { ended },
      });
      return ended;
    });
    await this.socketsEnded(id, 'ended_by_admin');
    return result;
  }

  /** Every account with its rights, last sign-in, MFA state and dormancy: the periodic access review. */
  async accessReview(): Promise<AccessReviewEntry[]> {
    const { dormantAccountDays } = await this.settings.get();
    const users = await this.prisma.user.findMany({ include: userInclude, orderBy: { email: 'asc' } });
    const now = Date.now();
    const entries = users.map((user) => {
      const lastActive = lastActiveAt(user).getTime();
      return {
        ...toSummary(user),
        permissions: [...new Set(user.roles.flatMap((r) => r.role.permissions).filter(isPermission))].sort(),
        dormant: dormantAccountDays > 0 && now - lastActive > dormantAccountDays * DAY_MS,
        disabledAt: user.disabledAt?.toISOString() ?? null,
      };
    });
    await this.audit.recordNow({
      action: 'access_review.read',
      target: { type: 'user' },
      data: { count: entries.length },
    });
    return entries;
  }

  /** Disables active accounts unused for longer than the dormancy setting; one audit event each. */
  async disableDormant(now = new Date()): Promise<string[]> {
    const { dormantAccountDays } = await this.settings.get();
    if (dormantAccountDays === 0) return [];
    const cutoff = new Date(now.getTime() - dormantAccountDays * DAY_MS);
    const dormant = await this.prisma.user.findMany({
      where: {
        status: 'active',
        ...inactiveSince(cutoff),
      },
      select: { id: true, lastLoginAt: true },
    });
    const disabled: string[] = [];
    for (const user of dormant) {
      await this.prisma.$transaction(async (tx) => {
        // Dormancy never locks everyone out: the last active admin stays (and shows in the access review).
        if (await this.isLastAdmin(tx, user.id)) return;
        // Re-checked under the update: a sign-in since the query keeps the account active.
        const { count } = await tx.user.updateMany({
          where: {
            id: user.id,
            status: 'active',
            ...inactiveSince(cutoff),
          },
          data: { status: 'disabled', disabledAt: now },
        });
        if (count === 0) return;
        const ended = await this.sessions.revokeAllOf(tx, user.id, 'user_disabled');
        await this.audit.record(tx, {
          action: 'user.disabled',
          actor: null,
          target: { type: 'user', id: user.id },
          data: {
            reason: 'dormant',
            dormantAccountDays,
            lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
            sessionsEnded: ended,
          },
        });
        disabled.push(user.id);
      });
      if (disabled.includes(user.id)) await this.socketsEnded(user.id, 'user_disabled');
    }
    return disabled;
  }
}
