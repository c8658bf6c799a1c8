-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- CreateIndex (skipped when built beforehand without a lock: see the README's upgrade note)
CREATE INDEX IF NOT EXISTS "conversations_closed_at_idx" ON "conversations"("closed_at");
