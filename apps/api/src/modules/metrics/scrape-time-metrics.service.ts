import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { readWorkers } from '../../jobs/worker-heartbeat.js';
import { RedisService } from '../../redis/redis.service.js';
import { DroppedEventsService } from '../realtime/dropped-events.service.js';
import { BacklogReadings, JOB_STATES } from './backlog-readings.service.js';
import { MetricsService } from './metrics.service.js';
import { COUNTED_NAMESPACES, SocketCountsGateway } from './socket-counts.gateway.js';

/** Read when Prometheus scrapes: from the socket server, the realtime fan-out, PostgreSQL and Redis. */
@Injectable()
export class ScrapeTimeMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly backlog: BacklogReadings,
    private readonly sockets: SocketCountsGateway,
    private readonly dropped: DroppedEventsService,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    const registers = [this.metrics.registry];
    const sockets = this.sockets;
    new Gauge({
      name: 'baton_sockets_connected',
      help: 'Sockets connected to this API instance, by namespace.',
      labelNames: ['namespace'],
      registers,
      collect() {
        for (const namespace of COUNTED_NAMESPACES) this.set({ namespace }, sockets.connected(namespace));
      },
    });
    const dropped = this.dropped;
    const reported = new Map<string, number>();
    new Counter({
      name: 'baton_realtime_events_dropped_total',
      help: 'Socket events this process could not publish to Redis (no socket received them; clients back-fill by seq), by namespace.',
      labelNames: ['namespace'],
      registers,
      collect() {
        for (const namespace of new Set([...COUNTED_NAMESPACES, ...dropped.namespaces()])) {
          const total = dropped.total(namespace);
          this.inc({ namespace }, total - (reported.get(namespace) ?? 0));
          reported.set(namespace, total);
        }
      },
    });

    const redis = this.redis;
    new Gauge({
      name: 'baton_workers_alive',
      help: 'Worker processes whose heartbeat Redis holds (each beats every 2 s, forgotten after 6 s); 0 means bot replies and timers wait.',
      registers,
      async collect() {
        // Redis unreachable: no value rather than a misleading 0 (the redis check of readiness says why).
        this.reset();
        const workers = await readWorkers(redis).catch(() => undefined);
        if (workers) this.set(workers.alive);
      },
    });

    // A failed reading drops the series rather than repeating stale values: "absent" is alertable.
    const fromBacklog = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      fill: (gauge: Gauge<L>, backlog: NonNullable<Awaited<ReturnType<BacklogReadings['read']>>>) => void,
    ) => {
      const backlog = this.backlog;
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const reading = await backlog.read();
          this.reset();
          if (reading) fill(this, reading);
        },
      });
    };
    fromBacklog(
      'baton_queue_waiting_conversations',
      'Conversations waiting in each queue.',
      ['queue'],
      (gauge, b) => {
        for (const q of b.queues) gauge.set({ queue: q.queue }, q.waiting);
      },
    );
    fromBacklog(
      'baton_queue_oldest_wait_seconds',
      'How long the longest-waiting conversation of each queue has waited; 0 when none waits.',
      ['queue'],
      (gauge, b) => {
        for (const q of b.queues) gauge.set({ queue: q.queue }, q.oldestWaitSeconds);
      },
    );
    fromBacklog(
      'baton_jobs',
      'BullMQ jobs per queue and state (failed: kept for 7 days after failing for good).',
      ['queue', 'state'],
      (gauge, b) => {
        for (const { queue, counts } of b.jobs) {
          for (const state of JOB_STATES) gauge.set({ queue, state }, counts[state]);
        }
      },
    );
    fromBacklog(
      'baton_audit_sealing_lag_seconds',
      'Age of the oldest audit event not yet sealed into the hash chain; 0 when all are sealed.',
      [],
      (gauge, b) => gauge.set(b.unsealedAgeSeconds),
    );
  }
}
