-- IF [NOT] EXISTS: on a long audit trail an operator may build these first with CREATE INDEX
-- CONCURRENTLY (which cannot run inside a migration) under the same names; see README "Upgrading".

-- DropIndex
DROP INDEX IF EXISTS "audit_events_occurred_at_idx";

-- CreateIndex
CREATE INDEX IF NOT EXISTS "audit_events_occurred_at_seq_idx" ON "audit_events"("occurred_at", "seq");

-- The sealer's next batch (`WHERE chain_pos IS NULL ORDER BY seq`) and verify's unsealed count read
-- only the unsealed events, a handful at any time, instead of walking the primary key past every
-- sealed event. Partial indexes are not modelled in schema.prisma; the schema engine leaves indexes
-- it does not model in place.
CREATE INDEX IF NOT EXISTS "audit_events_unsealed_seq_idx" ON "audit_events"("seq") WHERE "chain_pos" IS NULL;

-- The open conversations of each queue in the inbox's order, with what the supervisor overview counts:
-- the inbox's waiting list and the overview's per-queue numbers read only this index, whatever the
-- number of resolved and closed conversations (bench/reads-at-size.ts). Not modelled in schema.prisma
-- (a partial index with included columns); the schema engine leaves it in place.
CREATE INDEX IF NOT EXISTS "conversations_open_queue_idx" ON "conversations"("queue_id", "priority" DESC, "waiting_since", "id")
  INCLUDE ("status", "first_response_at", "first_response_due_at") WHERE "status" IN ('queued', 'assigned');

-- Each agent's assigned conversations in the order the wall lists them, from the index alone (the
-- supervisor overview's agents; a page of 100 agents read 300 scattered rows before).
CREATE INDEX IF NOT EXISTS "conversations_assigned_idx" ON "conversations"("assignee_id", "assigned_at", "id") WHERE "status" = 'assigned';
