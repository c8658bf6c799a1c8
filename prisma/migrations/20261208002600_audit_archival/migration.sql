-- Audit archival (`npm run audit:archive`): the table's owner may delete the oldest sealed events, up
-- to a chain position it names for its own transaction (`SET LOCAL baton.audit_archive_through`),
-- after writing them to a verified archive file. Everything else is refused exactly as before; the
-- runtime role has no DELETE privilege on the table at all.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
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
  IF TG_OP = 'DELETE'
     AND OLD.chain_pos IS NOT NULL
     AND OLD.chain_pos <= nullif(current_setting('baton.audit_archive_through', true), '')::bigint
     AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
