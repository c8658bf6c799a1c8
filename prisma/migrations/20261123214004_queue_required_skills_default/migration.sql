-- A queue created without skills (the demo seed's "General") had NULL here, which routing could not
-- rank: conversations in it were never assigned. An empty list is what "no skills required" means.
UPDATE "queues" SET "required_skills" = ARRAY[]::TEXT[] WHERE "required_skills" IS NULL;

-- AlterTable
ALTER TABLE "queues" ALTER COLUMN "required_skills" SET DEFAULT ARRAY[]::TEXT[];
