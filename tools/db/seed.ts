import { BUILT_IN_ROLE_PERMISSIONS, type BuiltInRole } from '@baton/authz';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_DATABASE_URL } from '../start/local-services.js';

const ROLE_DESCRIPTIONS: Record<BuiltInRole, string> = {
  agent: 'Works conversations of their queues.',
  supervisor: 'Agent rights plus watching, steering and reporting on queues.',
  admin: 'Manages users, roles, queues, channels, bots, settings and reads the audit trail.',
};

export interface SeedResult {
  roles: string[];
}

/**
 * Idempotent first-run data. Built-in roles are brought to the permission sets defined in
 * libs/authz on every run, so a release that changes them takes effect on the next start.
 */
export async function seed(databaseUrl: string): Promise<SeedResult> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const roles: string[] = [];
    await db.query('BEGIN');
    for (const [name, permissions] of Object.entries(BUILT_IN_ROLE_PERMISSIONS) as [
      BuiltInRole,
      readonly string[],
    ][]) {
      await db.query(
        `INSERT INTO roles (id, name, description, built_in, permissions, updated_at)
         VALUES (gen_random_uuid(), $1, $2, true, $3, now())
         ON CONFLICT (name) DO UPDATE
           SET description = EXCLUDED.description, built_in = true, permissions = EXCLUDED.permissions, updated_at = now()`,
        [name, ROLE_DESCRIPTIONS[name], permissions],
      );
      roles.push(name);
    }
    await db.query('COMMIT');
    return { roles };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await seed(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  console.log(`Seeded built-in roles: ${result.roles.join(', ')}.`);
}
