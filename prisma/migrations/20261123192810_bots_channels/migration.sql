-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "channel_id" UUID,
ADD COLUMN     "key_id" TEXT,
ADD COLUMN     "webhook_secret_ciphertext" TEXT,
ADD COLUMN     "webhook_url" TEXT;

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "handed_off_at" TIMESTAMPTZ(3),
ADD COLUMN     "handoff_seq" INTEGER,
ADD COLUMN     "handoff_context" JSONB,
ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "unhelpful_turns" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "delivery_status" TEXT,
ADD COLUMN     "delivery_updated_at" TIMESTAMPTZ(3),
ADD COLUMN     "external_id" TEXT;

-- CreateTable
CREATE TABLE "inbound_receipts" (
    "channel_id" UUID NOT NULL,
    "provider_message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_receipts_pkey" PRIMARY KEY ("channel_id","provider_message_id")
);

-- CreateTable
CREATE TABLE "external_cases" (
    "conversation_id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "on_finish" JSONB,
    "subscribed_events" TEXT[],
    "request" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "external_cases_pkey" PRIMARY KEY ("conversation_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "external_cases_api_key_id_idempotency_key_key" ON "external_cases"("api_key_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "messages_external_id_idx" ON "messages"("external_id");

-- CreateIndex
CREATE INDEX "messages_delivery_status_delivery_updated_at_idx" ON "messages"("delivery_status", "delivery_updated_at");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_receipts" ADD CONSTRAINT "inbound_receipts_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_cases" ADD CONSTRAINT "external_cases_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_cases" ADD CONSTRAINT "external_cases_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
