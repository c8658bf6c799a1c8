import type { SqlRunner } from './sql-runner.js';

/**
 * The api and worker connect as the runtime role, which owns nothing: were they connected as a
 * superuser or as the tables' owner, anyone who controls the process could switch off the audit
 * trail's append-only trigger, rewrite history and re-hash the chain. So they refuse to start unless
 * the role is as narrow as `db:migrate`'s grants make it (tools/db/grants.ts), in every environment.
 */
export async function describeDatabaseRoleProblem(run: SqlRunner): Promise<string | undefined> {
  const [row] = await run<{ role: string; problems: string[] }>`
    SELECT current_user AS role, array_remove(ARRAY[
        CASE WHEN r.rolsuper THEN 'is a superuser' END,
        CASE WHEN r.rolcreaterole THEN 'may create roles' END,
        CASE WHEN r.rolbypassrls THEN 'bypasses row-level security' END,
        CASE WHEN c.oid IS NOT NULL AND pg_has_role(current_user, c.relowner, 'MEMBER')
             THEN 'owns audit_events' END,
        CASE WHEN has_schema_privilege(current_schema(), 'CREATE')
             THEN 'may create objects in schema ' || current_schema() END,
        CASE WHEN c.oid IS NOT NULL AND (
               has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')
               OR has_table_privilege(c.oid, 'TRIGGER')
               OR EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                             AND a.attname NOT IN ('chain_pos', 'prev_hash', 'hash')
                             AND has_column_privilege(c.oid, a.attnum, 'UPDATE')))
             THEN 'may change or delete audit events' END
      ], NULL) AS problems
      FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('audit_events')
     WHERE r.rolname = current_user`;
  if (!row || row.problems.length === 0) return undefined;
  // A superuser can do everything else on the list anyway.
  const problems = row.problems.includes('is a superuser') ? ['is a superuser'] : row.problems;
  return (
    `connected to PostgreSQL as "${row.role}", which ${problems.join(', ')}; the api and worker ` +
    `must use the runtime role, which owns nothing (docs/SECURITY.md#database-roles).`
  );
}
