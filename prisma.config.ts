import { defineConfig } from 'prisma/config';

// Used by the standard Prisma CLI (generate, and `migrate deploy` where its engine can be downloaded).
// On machines without the native engine, `npm run db:migrate` applies the same migrations folder.
// Migrations run as the owner role; after a `prisma migrate deploy`, `tsx tools/db/migrate.ts grants`
// gives the runtime role its privileges (`npm run db:migrate` does both).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx tools/db/seed.ts' },
  datasource: {
    url:
      process.env.DATABASE_OWNER_URL ||
      process.env.DATABASE_URL ||
      'postgresql://postgres@127.0.0.1:5432/baton',
  },
});
