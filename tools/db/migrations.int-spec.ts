import { describe, expect, inject, it } from 'vitest';
import { prismaPaths } from './migrate.js';
import { diffMigration, migrationStatus } from './schema-engine.js';

describe('committed migrations', () => {
  it('are all applied to a freshly migrated database', async () => {
    const status = await migrationStatus({ databaseUrl: inject('databaseUrl'), ...prismaPaths() });
    expect(status.pending).toEqual([]);
    expect(status.failed).toEqual([]);
    expect(status.applied.length).toBeGreaterThan(0);
  });

  it('match prisma/schema.prisma (a schema change without its migration fails here)', async () => {
    // The diff replays the migrations in a scratch database, which the owner role may create.
    const sql = await diffMigration({ databaseUrl: inject('databaseOwnerUrl'), ...prismaPaths() });
    expect(sql, 'run `npm run db:migration:create -- <name>` and commit the result').toBe('');
  });
});
