import { Global, Module } from '@nestjs/common';
import { AuditQueryService } from './audit-query.service.js';
import { AuditSealerService } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';

/** Writing audit events is needed everywhere (api and worker), so the writer is global. */
@Global()
@Module({
  providers: [AuditService, AuditSealerService, AuditQueryService],
  exports: [AuditService, AuditSealerService, AuditQueryService],
})
export class AuditModule {}
