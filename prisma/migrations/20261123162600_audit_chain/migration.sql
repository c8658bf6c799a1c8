-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "chain_pos" BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_chain_pos_key" ON "audit_events"("chain_pos");

-- Append-only audit trail. Rows are inserted unsealed; the only UPDATE allowed is the sealer's
-- one-time fill of the chain columns on an unsealed row, and everything else on the row must stay
-- the same.
CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- A row arriving already "sealed" could forge the chain's tip or leave a gap in it.
    IF NEW.chain_pos IS NULL AND NEW.prev_hash IS NULL AND NEW.hash IS NULL THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events rows are sealed only by the sealer'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF OLD.chain_pos IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
       AND NEW.chain_pos IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
       -- Every other column, listed (cheaper than comparing whole-row JSON on the sealing hot path).
       -- A column added to audit_events must be listed here too (apps/api/test/schema.int-spec.ts checks).
       AND (NEW.seq, NEW.occurred_at, NEW.actor_id, NEW.actor_email, NEW.actor_roles, NEW.action,
            NEW.target_type, NEW.target_id, NEW.result, NEW.ip, NEW.user_agent, NEW.request_id, NEW.data)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.occurred_at, OLD.actor_id, OLD.actor_email, OLD.actor_roles, OLD.action,
            OLD.target_type, OLD.target_id, OLD.result, OLD.ip, OLD.user_agent, OLD.request_id, OLD.data) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only
  BEFORE INSERT OR UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
