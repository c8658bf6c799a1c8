-- AlterTable
ALTER TABLE "users" ADD COLUMN     "reactivated_at" TIMESTAMPTZ(3);
