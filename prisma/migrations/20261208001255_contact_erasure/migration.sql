-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "conversations_closed_at_idx" ON "conversations"("closed_at");
