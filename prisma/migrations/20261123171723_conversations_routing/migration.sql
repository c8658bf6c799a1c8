-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "assigned_at" TIMESTAMPTZ(3),
ADD COLUMN     "first_response_at" TIMESTAMPTZ(3),
ADD COLUMN     "offer_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "offered_to_id" UUID;

-- CreateTable
CREATE TABLE "routing_decisions" (
    "id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "queue_id" UUID,
    "mode" TEXT NOT NULL,
    "chosen_user_id" UUID,
    "reason" TEXT NOT NULL,
    "candidates" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routing_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "routing_decisions_conversation_id_created_at_idx" ON "routing_decisions"("conversation_id", "created_at");

-- CreateIndex
CREATE INDEX "routing_decisions_chosen_user_id_created_at_idx" ON "routing_decisions"("chosen_user_id", "created_at");

-- AddForeignKey
ALTER TABLE "routing_decisions" ADD CONSTRAINT "routing_decisions_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
