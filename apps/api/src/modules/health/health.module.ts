import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { WorkersController } from './workers.controller.js';

@Module({
  controllers: [HealthController, WorkersController],
  providers: [HealthService],
  exports: [HealthService],
})
export class HealthModule {}
