-- CreateIndex
CREATE INDEX "audit_events_actor_email_seq_idx" ON "audit_events"("actor_email", "seq");

-- CreateIndex
CREATE INDEX "audit_events_target_id_seq_idx" ON "audit_events"("target_id", "seq");
