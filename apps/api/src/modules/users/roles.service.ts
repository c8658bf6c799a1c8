import { ALL_PERMISSIONS, isPermission } from '@baton/authz';
import type { Role, RoleRequest } from '@baton/contracts';
import { RolesErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such role.', 404);

function checkPermissions(permissions: string[]): string[] {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((p) => ({ path: 'permissions', message: `unknown permission "${p}"` })),
    );
  }
  return [...new Set(permissions)].sort();
}

/** Custom roles built from permissions. Built-in roles are defined in code and read-only here. */
@Injectable()
export class RolesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
  ) {}

  permissions(): readonly string[] {
    return ALL_PERMISSIONS;
  }

  async list(): Promise<Role[]> {
    const roles = await this.prisma.role.findMany({
      orderBy: [{ builtIn: 'desc' }, { name: 'asc' }],
      include: { _count: { select: { users: true } } },
    });
    return roles.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      builtIn: r.builtIn,
      permissions: [...r.permissions].sort(),
      userCount: r._count.users,
    }));
  }

  private async editable(tx: Tx, id: string) {
    const role = await tx.role.findUnique({
      where: { id },
      include: { _count: { select: { users: true } } },
    });
    if (!role) throw notFound();
    if (role.builtIn) {
      throw new DomainError(
        RolesErrorCode.BuiltIn,
        'Built-in roles cannot be changed; create a custom role instead.',
        409,
      );
    }
    return role;
  }

  async create(input: RoleRequest): Promise<Role> {
    const permissions = checkPermissions(input.permissions);
    return this.prisma.$transaction(async (tx) => {
      if (await tx.role.findUnique({ where: { name: input.name } })) {
        throw new DomainError(RolesErrorCode.NameTaken, 'A role with this name already exists.', 409);
      }
      const role = await tx.role.create({
        data: { name: input.name, description: input.description, permissions },
      });
      await this.audit.record(tx, {
        action: 'role.created',
        target: { type: 'role', id: role.id },
        data: { name: role.name, permissions },
      });
      return { ...role, permissions, userCount: 0 };
    });
  }

  async update(id: string, input: RoleRequest): Promise<Role> {
    const permissions = checkPermissions(input.permissions);
    const { role, holders } = await this.prisma.$transaction(async (tx) => {
      const before = await this.editable(tx, id);
      if (input.name !== before.name && (await tx.role.findUnique({ where: { name: input.name } }))) {
        throw new DomainError(RolesErrorCode.NameTaken, 'A role with this name already exists.', 409);
      }
      const role = await tx.role.update({
        where: { id },
        data: { name: input.name, description: input.description, permissions },
      });
      await this.audit.record(tx, {
        action: 'role.updated',
        target: { type: 'role', id },
        data: {
          name: { from: before.name, to: role.name },
          added: permissions.filter((p) => !before.permissions.includes(p)),
          removed: before.permissions.filter((p) => !permissions.includes(p)),
        },
      });
      const holders = await tx.userRole.findMany({ where: { roleId: id }, select: { userId: true } });
      return { role: { ...role, permissions, userCount: before._count.users }, holders };
    });
    // Its holders' open sockets keep only the rooms the new permissions allow.
    await this.events.publish({ type: 'access.changed', userIds: holders.map((h) => h.userId) });
    return role;
  }

  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const role = await this.editable(tx, id);
      if (role._count.users > 0) {
        throw new DomainError(
          RolesErrorCode.InUse,
          `${role._count.users} user(s) still hold this role.`,
          409,
        );
      }
      await tx.role.delete({ where: { id } });
      await this.audit.record(tx, {
        action: 'role.deleted',
        target: { type: 'role', id },
        data: { name: role.name, permissions: role.permissions },
      });
    });
  }
}
