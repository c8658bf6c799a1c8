/**
 * The sealer as production runs it: in its own process (the worker), beside the API processes that
 * write events. Started by audit-throughput.ts; prints `ready`, seals like AuditSealerLoop until
 * SIGTERM, then prints its statistics as one JSON line.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../apps/api/src/generated/prisma/client.js';
import { AuditSealerService } from '../apps/api/src/modules/audit/audit-sealer.service.js';
import type { PrismaService } from '../apps/api/src/prisma/prisma.service.js';

const BATCH = Number(process.env.SEAL_BATCH ?? 5000);
const IDLE_MS = Number(process.env.SEAL_IDLE_MS ?? 200);

const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 2 }),
});
const sealer = new AuditSealerService(prisma as unknown as PrismaService);
const stats = { batches: 0, slowestBatchMs: 0, largestBatch: 0 };
let running = true;
process.on('SIGTERM', () => (running = false));

console.log('ready');
while (running) {
  const started = performance.now();
  const sealed = await sealer.sealPending(BATCH);
  if (sealed > 0) {
    stats.batches += 1;
    stats.slowestBatchMs = Math.max(stats.slowestBatchMs, performance.now() - started);
    stats.largestBatch = Math.max(stats.largestBatch, sealed);
  }
  if (sealed < BATCH) await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
}
await prisma.$disconnect();
console.log(JSON.stringify(stats));
