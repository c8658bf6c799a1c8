// Creates Baton's two database roles and its database, as a PostgreSQL superuser (or a role with
// CREATEROLE and CREATEDB):
//   - the owner role (DATABASE_OWNER_URL): owns the database's schema objects and runs migrations;
//   - the runtime role (DATABASE_URL): what the api and worker connect as; owns nothing.
//   tsx tools/db/roles.ts      Env: DATABASE_ADMIN_URL, DATABASE_OWNER_URL, DATABASE_URL
// Idempotent: existing roles keep their attributes (a runtime role that is a superuser, may create roles,
// bypasses row security or belongs to the owner role is refused, not altered); passwords given in the
// URLs are (re)set; objects left owned by another role (an install from before the split) are handed to
// the owner. Grants are not made here: `db:migrate` applies them as the owner after every migration.
import pg from 'pg';
import { isEntrypoint } from '../entrypoint.js';

type Log = (line: string) => void;

export class RolesError extends Error {
  override name = 'RolesError';
}

interface Login {
  user: string;
  password: string | undefined;
  database: string;
  server: string;
}

function login(url: string, variable: string): Login {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RolesError(`${variable} is not a valid URL.`);
  }
  const user = decodeURIComponent(parsed.username);
  if (!user) throw new RolesError(`${variable} names no user.`);
  return {
    user,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
    server: `${parsed.hostname}:${parsed.port || 5432}`,
  };
}

function withDatabase(url: string, database: string): string {
  return Object.assign(new URL(url), { pathname: `/${encodeURIComponent(database)}` }).toString();
}

/** Runs a utility statement built by the server's own quoting (`format` with %I and %L). */
async function execFormatted(db: pg.ClientBase, template: string, ...args: string[]): Promise<void> {
  const placeholders = args.map((_, i) => `$${i + 1}::text`).join(', ');
  const { rows } = await db.query<{ sql: string }>(
    `SELECT format('${template}', ${placeholders}) AS sql`,
    args,
  );
  const [statement] = rows;
  if (!statement) throw new RolesError(`could not build: ${template}`);
  await db.query(statement.sql);
}

async function ensureRole(
  db: pg.ClientBase,
  role: Login,
  kind: 'owner' | 'runtime',
  log: Log,
): Promise<void> {
  const attributes =
    kind === 'owner'
      ? // CREATEDB: db:migrate creates the database on a fresh server, db:migration:create a scratch one.
        'LOGIN NOSUPERUSER NOCREATEROLE CREATEDB NOREPLICATION NOBYPASSRLS'
      : 'LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS';
  const existing = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.user]);
  if (existing.rowCount === 0) {
    try {
      await execFormatted(db, `CREATE ROLE %I ${attributes}`, role.user);
      log(`Created the ${kind} role "${role.user}".`);
    } catch (error) {
      // Created meanwhile by another process (42710, or 23505 when both inserts race in pg_authid).
      if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  } else {
    await execFormatted(db, 'ALTER ROLE %I LOGIN', role.user);
  }
  if (role.password !== undefined) {
    await execFormatted(db, 'ALTER ROLE %I PASSWORD %L', role.user, role.password);
  }
}

/** Creates the roles and the database (owned by the owner role) and hands over objects others own. */
export async function provisionRoles(options: {
  adminUrl: string;
  ownerUrl: string;
  runtimeUrl: string;
  log: Log;
}): Promise<void> {
  const { log } = options;
  const owner = login(options.ownerUrl, 'DATABASE_OWNER_URL');
  const runtime = login(options.runtimeUrl, 'DATABASE_URL');
  const admin = login(options.adminUrl, 'DATABASE_ADMIN_URL');
  if (owner.user === runtime.user) {
    throw new RolesError(
      `DATABASE_URL and DATABASE_OWNER_URL both use "${owner.user}"; the runtime needs a role of its own.`,
    );
  }
  if (owner.database !== runtime.database || owner.server !== runtime.server) {
    throw new RolesError('DATABASE_URL and DATABASE_OWNER_URL must name the same server and database.');
  }
  if (runtime.user === admin.user) {
    throw new RolesError(
      `DATABASE_URL uses "${runtime.user}", the administrator given in DATABASE_ADMIN_URL.`,
    );
  }

  const server = new pg.Client({ connectionString: withDatabase(options.adminUrl, 'postgres') });
  await server.connect();
  try {
    await ensureRole(server, owner, 'owner', log);
    await ensureRole(server, runtime, 'runtime', log);
    const { rows: checks } = await server.query<{ unsafe: string[] }>(
      `SELECT array_remove(ARRAY[
                CASE WHEN rolsuper THEN 'is a superuser' END,
                CASE WHEN rolcreaterole THEN 'may create roles' END,
                CASE WHEN rolbypassrls THEN 'bypasses row-level security' END,
                CASE WHEN pg_has_role(rolname, $2, 'MEMBER') THEN 'is a member of the owner role' END
              ], NULL) AS unsafe
         FROM pg_roles WHERE rolname = $1`,
      [runtime.user, owner.user],
    );
    const unsafe = checks[0]?.unsafe ?? [];
    if (unsafe.length > 0) {
      throw new RolesError(
        `the runtime role "${runtime.user}" ${unsafe.join(', ')}; use a role that owns nothing (docs/SECURITY.md#database-roles).`,
      );
    }

    const { rows: dbs } = await server.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [owner.database],
    );
    const current = dbs[0];
    if (!current) {
      try {
        await execFormatted(server, 'CREATE DATABASE %I OWNER %I', owner.database, owner.user);
        log(`Created database "${owner.database}" owned by "${owner.user}".`);
      } catch (error) {
        if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    } else if (current.owner !== owner.user) {
      await execFormatted(server, 'ALTER DATABASE %I OWNER TO %I', owner.database, owner.user);
      log(`Database "${owner.database}" now belongs to "${owner.user}".`);
    }
  } finally {
    await server.end().catch(() => undefined);
  }

  const db = new pg.Client({ connectionString: withDatabase(options.adminUrl, owner.database) });
  await db.connect();
  try {
    const handedOver = await handOverObjects(db, owner.user);
    if (handedOver > 0) log(`Handed ${handedOver} database object(s) over to "${owner.user}".`);
  } finally {
    await db.end().catch(() => undefined);
  }
  log(`Database roles ready: owner "${owner.user}", runtime "${runtime.user}".`);
}

/**
 * An install migrated by a single (often superuser) role has its tables owned by that role; the owner
 * role takes them over so it can migrate and grant. Sequences owned by a column move with their table.
 */
async function handOverObjects(db: pg.ClientBase, ownerRole: string): Promise<number> {
  const { rows } = await db.query<{ statement: string }>(
    `WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = current_schema()),
          o AS (SELECT oid FROM pg_roles WHERE rolname = $1),
          ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e')
     SELECT format('ALTER SCHEMA %I OWNER TO %I', s.nspname, $1) AS statement
       FROM pg_namespace n JOIN s ON s.oid = n.oid
      WHERE n.nspowner <> (SELECT oid FROM o)
        AND n.nspowner IS DISTINCT FROM (SELECT oid FROM pg_roles WHERE rolname = 'pg_database_owner')
     UNION ALL
     SELECT format('ALTER %s %I.%I OWNER TO %I',
                   CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                   s.nspname, c.relname, $1)
       FROM pg_class c JOIN s ON s.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> (SELECT oid FROM o)
        AND c.oid NOT IN (SELECT objid FROM ext)
        AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
     UNION ALL
     SELECT format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                   p.oid::regprocedure, $1)
       FROM pg_proc p JOIN s ON s.oid = p.pronamespace
      WHERE p.proowner <> (SELECT oid FROM o) AND p.prokind IN ('f', 'p') AND p.oid NOT IN (SELECT objid FROM ext)
     UNION ALL
     SELECT format('ALTER TYPE %I.%I OWNER TO %I', s.nspname, t.typname, $1)
       FROM pg_type t JOIN s ON s.oid = t.typnamespace
      WHERE t.typowner <> (SELECT oid FROM o) AND t.typtype IN ('e', 'd', 'r')
        AND t.oid NOT IN (SELECT objid FROM ext)`,
    [ownerRole],
  );
  if (rows.length === 0) return 0;
  await db.query('BEGIN');
  try {
    for (const { statement } of rows) await db.query(statement);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return rows.length;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new RolesError(`${name} is required (see .env.example).`);
  return value;
}

if (isEntrypoint(import.meta.url)) {
  provisionRoles({
    adminUrl: required('DATABASE_ADMIN_URL'),
    ownerUrl: required('DATABASE_OWNER_URL'),
    runtimeUrl: required('DATABASE_URL'),
    log: (line) => console.log(line),
  }).catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    if (process.env['DEBUG']) console.error(error);
    process.exitCode = 1;
  });
}
