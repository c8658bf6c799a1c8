-- Every message says what it is, so the inbox, the wall, the widget and WhatsApp no longer guess the
-- kind from `internal` or the author from the assignee.
CREATE TYPE "MessageKind" AS ENUM ('customer', 'bot', 'system', 'reply', 'note', 'whisper', 'barge_in');

ALTER TABLE "messages" ADD COLUMN "kind" "MessageKind";

-- Backfill: customer, bot and system lines keep their author kind. A staff message is a whisper or a
-- barge-in when its audit event says so (those events name the message), else a note when internal,
-- else a reply.
UPDATE "messages" SET "kind" = "author_kind"::text::"MessageKind" WHERE "author_kind" <> 'agent';
UPDATE "messages" m SET "kind" = CASE a."action"
    WHEN 'conversation.whispered' THEN 'whisper'::"MessageKind"
    ELSE 'barge_in'::"MessageKind" END
  FROM "audit_events" a
  WHERE m."author_kind" = 'agent'
    AND a."action" IN ('conversation.whispered', 'conversation.barged_in')
    AND a."target_type" = 'conversation'
    AND a."target_id" = m."conversation_id"::text
    AND a."data"->>'messageId' = m."id"::text;
UPDATE "messages" SET "kind" = CASE WHEN "internal" THEN 'note'::"MessageKind" ELSE 'reply'::"MessageKind" END
  WHERE "kind" IS NULL;

ALTER TABLE "messages" ALTER COLUMN "kind" SET NOT NULL;

-- `internal` stays (the customer queries and the WhatsApp sweep filter on it) but can no longer
-- disagree with the kind, nor the kind with the author. A trigger rather than a CHECK constraint, like
-- the capacity guard: Prisma's schema engine does not model CHECK constraints.
CREATE FUNCTION messages_kind_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.internal IS DISTINCT FROM (NEW.kind IN ('note', 'whisper'))
     OR (NEW.author_kind = 'agent') IS DISTINCT FROM (NEW.kind IN ('reply', 'note', 'whisper', 'barge_in'))
     OR (NEW.author_kind <> 'agent' AND NEW.kind::text <> NEW.author_kind::text) THEN
    RAISE EXCEPTION 'message % of % cannot be a % (internal: %)', NEW.id, NEW.author_kind, NEW.kind, NEW.internal
      USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_kind_check';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER messages_kind_guard
  BEFORE INSERT OR UPDATE OF kind, internal, author_kind ON "messages"
  FOR EACH ROW EXECUTE FUNCTION messages_kind_guard();

-- The author's display name is read with the message; the app never deletes users, and a deleted
-- author leaves the message in place.
UPDATE "messages" SET "author_user_id" = NULL
  WHERE "author_user_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "users" u WHERE u."id" = "author_user_id");
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_user_id_fkey" FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
