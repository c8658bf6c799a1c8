-- AlterTable
ALTER TABLE "canned_responses" ADD COLUMN     "created_by_id" UUID;

-- CreateIndex
CREATE INDEX "conversation_events_type_created_at_idx" ON "conversation_events"("type", "created_at");

-- AddForeignKey
ALTER TABLE "canned_responses" ADD CONSTRAINT "canned_responses_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
