-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "chain_pos" BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_chain_pos_key" ON "audit_events"("chain_pos");

-- Append-only audit trail. The only UPDATE allowed is the sealer's one-time fill of the chain
-- columns on an unsealed row; everything else on the row must stay byte-for-byte the same.
CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.chain_pos IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
       AND NEW.chain_pos IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
       AND (to_jsonb(NEW) - 'chain_pos' - 'prev_hash' - 'hash')
           = (to_jsonb(OLD) - 'chain_pos' - 'prev_hash' - 'hash') THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
