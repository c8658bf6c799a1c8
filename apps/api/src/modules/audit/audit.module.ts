import { Global, Module } from '@nestjs/common';
import { AuditCheckpointSinks } from './audit-checkpoint.sinks.js';
import { AuditCheckpointService } from './audit-checkpoint.service.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditSealerService } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';

/** Writing audit events is needed everywhere (api and worker), so the writer is global. */
@Global()
@Module({
  providers: [
    AuditService,
    AuditSealerService,
    AuditQueryService,
    AuditCheckpointService,
    AuditCheckpointSinks,
  ],
  exports: [AuditService, AuditSealerService, AuditQueryService, AuditCheckpointService],
})
export class AuditModule {}
