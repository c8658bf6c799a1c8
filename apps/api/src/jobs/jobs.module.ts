import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { JOB_HANDLERS, type JobHandler } from './job-handler.js';
import { JobsService } from './jobs.service.js';
import { TimerReconcileLoop } from './timer-reconcile.loop.js';
import { WorkerHeartbeatService } from './worker-heartbeat.js';
import { WorkerRunnerService } from './worker-runner.service.js';

/** Producers: every process can enqueue. */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}

/** Consumers: only the worker process registers handlers and runs them. */
@Module({})
export class WorkerModule {
  static register({
    imports = [],
    handlers,
  }: {
    imports?: DynamicModule['imports'];
    handlers: Type<JobHandler>[];
  }): DynamicModule {
    return {
      module: WorkerModule,
      imports,
      providers: [
        ...handlers,
        { provide: JOB_HANDLERS, useFactory: (...instances: JobHandler[]) => instances, inject: handlers },
        WorkerRunnerService,
        TimerReconcileLoop,
        WorkerHeartbeatService,
      ],
    };
  }
}
