// What the runtime role (the api and worker) may do in the database, applied by the owner role after every
// migrate. The runtime owns nothing, so it cannot ALTER, DROP or disable triggers; it gets plain DML on the
// application's tables, and on audit_events only what writers and the sealer need.
import pg from 'pg';

type Log = (line: string) => void;

/** Tables whose runtime privileges differ from the default of SELECT, INSERT, UPDATE and DELETE. */
export const RESTRICTED_TABLES: Record<string, { table: string[]; updateColumns?: string[] }> = {
  // Append-only: writers insert unsealed rows, the sealer fills the chain columns once (the table's
  // trigger refuses anything else, even to the owner). No DELETE, TRUNCATE or other UPDATE at all.
  audit_events: { table: ['SELECT', 'INSERT'], updateColumns: ['chain_pos', 'prev_hash', 'hash'] },
  // Read at start-up to refuse an outdated schema; only migrations write it.
  _prisma_migrations: { table: ['SELECT'] },
};
const DEFAULT_TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

export class GrantsError extends Error {
  override name = 'GrantsError';
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Brings the runtime role's privileges to exactly the list above, on every table and sequence of the
 * schema, and sets the owner's default privileges so a table a later migration adds is usable at once.
 * Idempotent; one transaction, so the running app never sees a table without its grants. Must run as
 * the owner of every object in the schema (a GRANT by anyone else would only warn and do nothing).
 */
export async function applyRuntimeGrants(ownerUrl: string, runtimeRole: string, log: Log): Promise<void> {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{
      me: string;
      schema: string;
      runtime_exists: boolean;
      runtime_is_owner: boolean;
    }>(
      `SELECT current_user AS me, current_schema() AS schema, r.oid IS NOT NULL AS runtime_exists,
              CASE WHEN r.oid IS NULL THEN false ELSE pg_has_role(r.oid, current_user, 'MEMBER') END
                AS runtime_is_owner
         FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = $1`,
      [runtimeRole],
    );
    const who = rows[0];
    if (!who) throw new GrantsError('PostgreSQL did not say who is connected.');
    const { me, schema } = who;
    if (!who.runtime_exists) {
      throw new GrantsError(
        `the runtime role "${runtimeRole}" (the user of DATABASE_URL) does not exist; create it (npm run db:roles, or docs/SECURITY.md#database-roles).`,
      );
    }
    if (runtimeRole === me || who.runtime_is_owner) {
      throw new GrantsError(
        `the runtime role "${runtimeRole}" is the owner role "${me}" or a member of it; give DATABASE_URL a role of its own.`,
      );
    }
    const { rows: foreign } = await db.query<{ name: string; owner: string }>(
      `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
        ORDER BY 1`,
      [schema, me],
    );
    if (foreign.length > 0) {
      const list = foreign.map((f) => `${f.name} (owned by ${f.owner})`).join(', ');
      throw new GrantsError(
        `"${me}" must own every table of schema ${schema} to grant on them, but not: ${list}; ` +
          `hand them over (npm run db:roles does it) or run db:migrate as their owner.`,
      );
    }
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
      [schema],
    );

    const s = quoteIdent(schema);
    const rt = quoteIdent(runtimeRole);
    const statements = [
      `GRANT USAGE ON SCHEMA ${s} TO ${rt}`,
      // Nobody but the owner creates objects here (PostgreSQL 15 already starts that way).
      `REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`,
      `REVOKE CREATE ON SCHEMA ${s} FROM ${rt}`,
    ];
    for (const { name } of tables) {
      const t = `${s}.${quoteIdent(name)}`;
      const rule = RESTRICTED_TABLES[name];
      statements.push(`REVOKE ALL ON ${t} FROM ${rt}`); // also revokes column privileges
      statements.push(`GRANT ${(rule?.table ?? DEFAULT_TABLE_PRIVILEGES).join(', ')} ON ${t} TO ${rt}`);
      if (rule?.updateColumns) {
        statements.push(`GRANT UPDATE (${rule.updateColumns.map(quoteIdent).join(', ')}) ON ${t} TO ${rt}`);
      }
    }
    statements.push(
      `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${rt}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${rt}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT ${DEFAULT_TABLE_PRIVILEGES.join(', ')} ON TABLES TO ${rt}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${rt}`,
    );
    await db.query('BEGIN');
    try {
      // Two migrates at once would otherwise race on the same catalog rows ("tuple concurrently updated").
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['baton:grants']);
      for (const sql of statements) await db.query(sql);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    log(`Runtime role "${runtimeRole}" granted its privileges on ${tables.length} tables.`);
  } finally {
    await db.end().catch(() => undefined);
  }
}
