import type { CannedResponse as CannedResponseDto, CannedResponseRequest } from '@baton/contracts';
import { CannedResponsesErrorCode } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { CommonErrorCode, DomainError } from '../../common/errors/domain.error.js';
import type { CannedResponse } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthSession } from '../../common/decorators/current-session.decorator.js';

function toCannedResponse(c: CannedResponse): CannedResponseDto {
  return {
    id: c.id,
    shortcut: c.shortcut,
    title: c.title,
    body: c.body,
    updatedAt: c.updatedAt.toISOString(),
  };
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such canned response.', 404);

/** Saved replies agents insert with `/shortcut`; supervisors and admins keep the list. */
@Injectable()
export class CannedResponsesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<CannedResponseDto[]> {
    const rows = await this.prisma.cannedResponse.findMany({ orderBy: { shortcut: 'asc' } });
    return rows.map(toCannedResponse);
  }

  // Shortcuts are stored lower-cased by the contract, so an exact match is the whole check.
  private async assertShortcutFree(tx: Tx, shortcut: string, exceptId?: string): Promise<void> {
    const taken = await tx.cannedResponse.findFirst({
      where: { shortcut, ...(exceptId && { id: { not: exceptId } }) },
      select: { id: true },
    });
    if (taken) {
      throw new DomainError(
        CannedResponsesErrorCode.ShortcutTaken,
        `A canned response with the shortcut "/${shortcut}" already exists.`,
        409,
      );
    }
  }

  async create(session: AuthSession, input: CannedResponseRequest): Promise<CannedResponseDto> {
    return this.prisma.$transaction(async (tx) => {
      await this.assertShortcutFree(tx, input.shortcut);
      const created = await tx.cannedResponse.create({ data: { ...input, createdById: session.userId } });
      await this.audit.record(tx, {
        action: 'canned_response.created',
        target: { type: 'canned_response', id: created.id },
        data: { shortcut: created.shortcut, title: created.title },
      });
      return toCannedResponse(created);
    });
  }

  async update(id: string, input: CannedResponseRequest): Promise<CannedResponseDto> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.cannedResponse.findUnique({ where: { id } });
      if (!before) throw notFound();
      await this.assertShortcutFree(tx, input.shortcut, id);
      const updated = await tx.cannedResponse.update({ where: { id }, data: input });
      const changed = (Object.keys(input) as (keyof CannedResponseRequest)[]).filter(
        (key) => before[key] !== input[key],
      );
      await this.audit.record(tx, {
        action: 'canned_response.updated',
        target: { type: 'canned_response', id },
        data: {
          changed,
          ...(before.shortcut !== updated.shortcut && {
            shortcut: { from: before.shortcut, to: updated.shortcut },
          }),
        },
      });
      return toCannedResponse(updated);
    });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const found = await tx.cannedResponse.findUnique({ where: { id } });
      if (!found) throw notFound();
      await tx.cannedResponse.delete({ where: { id } });
      await this.audit.record(tx, {
        action: 'canned_response.deleted',
        target: { type: 'canned_response', id },
        data: { shortcut: found.shortcut, title: found.title },
      });
    });
  }
}
