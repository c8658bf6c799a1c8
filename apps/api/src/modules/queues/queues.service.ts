import type { Queue, QueueMembersRequest, QueueRequest } from '@baton/contracts';
import { QueuesErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventsService } from '../events/domain-events.service.js';

const queueInclude = { members: { orderBy: { createdAt: 'asc' } } } as const;
type QueueRow = Prisma.QueueGetPayload<{ include: typeof queueInclude }>;

function toQueue(q: QueueRow): Queue {
  return {
    id: q.id,
    name: q.name,
    description: q.description,
    priority: q.priority,
    routingMode: q.routingMode,
    offerTimeoutSeconds: q.offerTimeoutSeconds,
    requiredSkills: q.requiredSkills,
    slaFirstResponseSeconds: q.slaFirstResponseSeconds,
    slaResolutionSeconds: q.slaResolutionSeconds,
    archived: q.archivedAt !== null,
    members: q.members.map((m) => ({ userId: m.userId, skills: m.skills, isSupervisor: m.isSupervisor })),
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such queue.', 404);

@Injectable()
export class QueuesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEventsService,
  ) {}

  async list(includeArchived = false): Promise<Queue[]> {
    const queues = await this.prisma.queue.findMany({
      where: includeArchived ? {} : { archivedAt: null },
      include: queueInclude,
      orderBy: [{ priority: 'desc' }, { name: 'asc' }],
    });
    return queues.map(toQueue);
  }

  async get(id: string): Promise<Queue> {
    const queue = await this.prisma.queue.findUnique({ where: { id }, include: queueInclude });
    if (!queue) throw notFound();
    return toQueue(queue);
  }

  private async assertNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
    const taken = await tx.queue.findFirst({
      where: { name: { equals: name, mode: 'insensitive' }, ...(exceptId && { id: { not: exceptId } }) },
    });
    if (taken)
      throw new DomainError(QueuesErrorCode.NameTaken, 'A queue with this name already exists.', 409);
  }

  async create(input: QueueRequest): Promise<Queue> {
    const queue = await this.prisma.$transaction(async (tx) => {
      await this.assertNameFree(tx, input.name);
      const queue = await tx.queue.create({ data: input, include: queueInclude });
      await this.audit.record(tx, {
        action: 'queue.created',
        target: { type: 'queue', id: queue.id },
        data: input,
      });
      return toQueue(queue);
    });
    // Those who supervise every queue now supervise this one too.
    await this.events.publish({ type: 'access.changed', userIds: null });
    return queue;
  }

  async update(id: string, input: QueueRequest): Promise<Queue> {
    const queue = await this.prisma.$transaction(async (tx) => {
      const before = await tx.queue.findUnique({ where: { id } });
      if (!before) throw notFound();
      await this.assertNameFree(tx, input.name, id);
      const after = await tx.queue.update({ where: { id }, data: input, include: queueInclude });
      const changed = Object.fromEntries(
        (Object.keys(input) as (keyof QueueRequest)[])
          .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
          .map((k) => [k, { from: before[k], to: after[k] }]),
      );
      await this.audit.record(tx, { action: 'queue.updated', target: { type: 'queue', id }, data: changed });
      return after;
    });
    // Mode, skills or priority may now let waiting conversations through.
    await this.events.publish({ type: 'queue.changed', queueId: id });
    return toQueue(queue);
  }

  async archive(id: string): Promise<Queue> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.queue.findUnique({ where: { id } });
      if (!before) throw notFound();
      const waiting = await tx.conversation.count({
        where: { queueId: id, status: { in: ['queued', 'assigned'] } },
      });
      if (waiting > 0) {
        throw new DomainError(
          QueuesErrorCode.NotEmpty,
          `${waiting} open conversation(s) are still in this queue.`,
          409,
        );
      }
      const queue = await tx.queue.update({
        where: { id },
        data: { archivedAt: new Date() },
        include: queueInclude,
      });
      await this.audit.record(tx, { action: 'queue.archived', target: { type: 'queue', id } });
      return toQueue(queue);
    });
  }

  /** Replaces the members of a queue (skills and supervisor flags included). */
  async setMembers(id: string, input: QueueMembersRequest): Promise<Queue> {
    const { queue, before } = await this.prisma.$transaction(async (tx) => {
      const before = await tx.queue.findUnique({ where: { id }, include: queueInclude });
      if (!before) throw notFound();
      const userIds = [...new Set(input.members.map((m) => m.userId))];
      if (userIds.length !== input.members.length) {
        throw new ValidationError([{ path: 'members', message: 'each user may appear once' }]);
      }
      const found = await tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true } });
      const missing = userIds.filter((u) => !found.some((f) => f.id === u));
      if (missing.length > 0) {
        throw new ValidationError(missing.map((u) => ({ path: 'members', message: `unknown user ${u}` })));
      }
      await tx.queueMember.deleteMany({ where: { queueId: id } });
      await tx.queueMember.createMany({ data: input.members.map((m) => ({ queueId: id, ...m })) });
      const after = await tx.queue.findUniqueOrThrow({ where: { id }, include: queueInclude });
      await this.audit.record(tx, {
        action: 'queue.members_changed',
        target: { type: 'queue', id },
        data: {
          added: userIds.filter((u) => !before.members.some((m) => m.userId === u)),
          removed: before.members.filter((m) => !userIds.includes(m.userId)).map((m) => m.userId),
          members: input.members,
        },
      });
      return { queue: after, before: before.members };
    });
    await this.events.publish(
      { type: 'queue.changed', queueId: id },
      {
        type: 'access.changed',
        userIds: [...new Set([...before.map((m) => m.userId), ...input.members.map((m) => m.userId)])],
      },
    );
    return toQueue(queue);
  }
}
