import { Permission } from '@baton/authz';
import {
  ZAuditExportQuery,
  ZAuditQuery,
  type AuditEvent,
  type AuditExportQuery,
  type AuditFilter,
  type AuditPage,
  type AuditQuery,
  type ChainVerification,
} from '@baton/contracts';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { ZodQuery } from '../../common/http/zod-params.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditService } from './audit.service.js';

const CSV_COLUMNS = [
  'seq',
  'chainPosition',
  'occurredAt',
  'actorId',
  'actorEmail',
  'actorRoles',
  'action',
  'targetType',
  'targetId',
  'result',
  'ip',
  'userAgent',
  'requestId',
  'data',
  'prevHash',
  'hash',
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  // Spreadsheets execute cells starting with these; a leading quote keeps them as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(event: AuditEvent): string {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...event,
    actorId: event.actor.id,
    actorEmail: event.actor.email,
    actorRoles: event.actor.roles.join(' '),
    targetType: event.target.type,
    targetId: event.target.id,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')}\r\n`;
}

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly audit: AuditService,
  ) {}

  /** Newest first, filtered, with cursor pagination. */
  @Get('events')
  @RequirePermission(Permission.AuditRead)
  async search(@ZodQuery(ZAuditQuery) query: AuditQuery): Promise<AuditPage> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    await this.audit.recordNow({ action: 'audit.searched', target: { type: 'audit' }, data: { filters } });
    return this.query.search(query);
  }

  /** Every matching event, oldest first, streamed as CSV or JSON. The export itself is audited first. */
  @Get('export')
  @RequirePermission(Permission.AuditExport)
  @RequireStepUp()
  async export(@ZodQuery(ZAuditExportQuery) query: AuditExportQuery, @Res() res: Response): Promise<void> {
    const { format, ...filters } = query;
    await this.audit.recordNow({
      action: 'audit.exported',
      target: { type: 'audit' },
      data: { format, filters },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="baton-audit-${stamp}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    // pipeline() waits for a slow client (backpressure) and stops reading when it disconnects.
    await pipeline(Readable.from(this.exportChunks(format, filters)), res);
  }

  private async *exportChunks(format: 'csv' | 'json', filters: AuditFilter): AsyncGenerator<string> {
    if (format === 'csv') {
      yield `${CSV_COLUMNS.join(',')}\r\n`;
      for await (const event of this.query.stream(filters)) yield csvRow(event);
      return;
    }
    yield '[';
    let first = true;
    for await (const event of this.query.stream(filters)) {
      yield `${first ? '' : ','}\n${JSON.stringify(event)}`;
      first = false;
    }
    yield '\n]\n';
  }

  /** Walks the hash chain, holds it against the signed checkpoints, and names the first disagreement. */
  @Get('verify')
  @RequirePermission(Permission.AuditVerify)
  async verify(): Promise<ChainVerification> {
    const result = await this.query.verify();
    await this.audit.recordNow({
      action: 'audit.verified',
      result: result.ok ? 'success' : 'failed',
      target: { type: 'audit' },
      data: {
        checked: result.checked,
        firstBroken: result.firstBroken,
        unsealed: result.unsealed,
        checkpoints: result.checkpoints
          ? {
              verified: result.checkpoints.verified,
              latest: result.checkpoints.latest?.chainPosition ?? null,
              failure: result.checkpoints.failure,
            }
          : null,
      },
    });
    return result;
  }
}
