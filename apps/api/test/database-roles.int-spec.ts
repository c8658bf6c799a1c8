import { describeDatabaseRoleProblem, pgRunner } from '@baton/security';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type TestApi } from './support/api.js';

/**
 * The api and worker connect as the runtime role. Whoever controls that connection (a compromised
 * process, a leaked DATABASE_URL) must not be able to rewrite the audit trail: switching the append-only
 * trigger off, editing a row and re-hashing the chain takes the table's owner, which the runtime is not.
 */
describe('the runtime database role', () => {
  const runtime = new pg.Client({ connectionString: inject('databaseUrl') });
  const owner = new pg.Client({ connectionString: inject('databaseOwnerUrl') });
  const ownerRole = new URL(inject('databaseOwnerUrl')).username;
  const runtimeRole = new URL(inject('databaseUrl')).username;
  let api: TestApi;
  let sealed: { seq: string; data: unknown; hash: string };

  /** The error PostgreSQL answers `sql` with, as the runtime role. Always rolled back. */
  async function refusal(sql: string, params: unknown[] = []): Promise<unknown> {
    await runtime.query('BEGIN');
    try {
      await runtime.query(sql, params);
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await runtime.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    await runtime.connect();
    await owner.connect();
    api = await startApi();
    // An event written and sealed by the app itself, through the runtime role's grants.
    const {
      rows: [row],
    } = await runtime.query<{ seq: string }>(
      `INSERT INTO audit_events (actor_roles, action, result, data)
       VALUES ('{}', 'settings.updated', 'success', '{"probe":"database roles"}') RETURNING seq`,
    );
    await api.sealAll();
    const {
      rows: [stored],
    } = await runtime.query<{ seq: string; data: unknown; hash: string | null }>(
      'SELECT seq, data, hash FROM audit_events WHERE seq = $1',
      [row!.seq],
    );
    expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);
    sealed = { seq: stored!.seq, data: stored!.data, hash: stored!.hash! };
  });
  afterAll(async () => {
    await api?.close();
    await runtime.end();
    await owner.end();
  });

  it('is the connection the app runs on, and is neither a superuser nor the owner of anything', async () => {
    expect(runtimeRole).not.toBe(ownerRole);
    const { rows } = await runtime.query<Record<string, unknown>>(
      `SELECT current_user AS role, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,
              (SELECT count(*)::int FROM pg_class WHERE pg_has_role(current_user, relowner, 'MEMBER')) AS relations,
              (SELECT count(*)::int FROM pg_proc WHERE pg_has_role(current_user, proowner, 'MEMBER')) AS functions,
              (SELECT count(*)::int FROM pg_namespace WHERE pg_has_role(current_user, nspowner, 'MEMBER')) AS schemas,
              pg_has_role(current_user, $1, 'MEMBER') AS in_owner_role
         FROM pg_roles WHERE rolname = current_user`,
      [ownerRole],
    );
    expect(rows[0]).toEqual({
      role: runtimeRole,
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
      relations: 0,
      functions: 0,
      schemas: 0,
      in_owner_role: false,
    });
    // The in-process api uses the same role.
    const [app] = await api.prisma.$queryRawUnsafe<{ role: string }[]>('SELECT current_user AS role');
    expect(app!.role).toBe(runtimeRole);
  });

  it('cannot switch off the append-only trigger, change, delete or re-seal audit events', async () => {
    const denied = (message: string | RegExp) => ({ code: '42501', message: expect.stringMatching(message) });
    const notOwner = denied(/^must be owner of (table|relation) audit_events$/);

    expect(await refusal('ALTER TABLE audit_events DISABLE TRIGGER ALL')).toMatchObject(notOwner);
    expect(await refusal('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only')).toMatchObject(
      notOwner,
    );
    expect(await refusal('DROP TRIGGER audit_events_append_only ON audit_events')).toMatchObject(notOwner);
    expect(await refusal('ALTER TABLE audit_events OWNER TO CURRENT_USER')).toMatchObject(notOwner);
    expect(
      await refusal(
        `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
      ),
    ).toMatchObject(denied(/^(must be owner of function|permission denied for schema)/));

    const noPrivilege = denied(/^permission denied for table audit_events$/);
    expect(
      await refusal(`UPDATE audit_events SET data = '{"probe":"rewritten"}' WHERE seq = $1`, [sealed.seq]),
    ).toMatchObject(noPrivilege);
    expect(await refusal('DELETE FROM audit_events WHERE seq = $1', [sealed.seq])).toMatchObject(noPrivilege);
    expect(await refusal('TRUNCATE audit_events')).toMatchObject(noPrivilege);
    // The sealer's own columns: granted, but the trigger allows only the one-time fill of an unsealed row.
    expect(
      await refusal(`UPDATE audit_events SET prev_hash = $2, hash = $2 WHERE seq = $1`, [
        sealed.seq,
        'f'.repeat(64),
      ]),
    ).toMatchObject({ code: '42501', message: 'audit_events is append-only: UPDATE is not allowed' });

    // Nor can it make itself more: another role, new privileges or its own objects.
    expect(await refusal(`SET ROLE "${ownerRole}"`)).toMatchObject(denied(/^permission denied to set role/));
    expect(await refusal('ALTER ROLE CURRENT_USER SUPERUSER')).toMatchObject({ code: '42501' });
    expect(await refusal('CREATE TABLE scratch (id int)')).toMatchObject(
      denied(/^permission denied for schema/),
    );
    expect(
      await refusal(
        'CREATE TRIGGER t BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
      ),
    ).toMatchObject(noPrivilege);
    expect(await refusal('DROP TABLE audit_events')).toMatchObject(notOwner);
    expect(await refusal('ALTER TABLE users ADD COLUMN scratch int')).toMatchObject(
      denied(/^must be owner of (table|relation) users$/),
    );

    const {
      rows: [after],
    } = await owner.query<{ data: unknown; hash: string }>(
      'SELECT data, hash FROM audit_events WHERE seq = $1',
      [sealed.seq],
    );
    expect(after).toEqual({ data: sealed.data, hash: sealed.hash });
    const { rows: triggers } = await owner.query<{ tgenabled: string }>(
      `SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgname = 'audit_events_append_only'`,
    );
    expect(triggers).toEqual([{ tgenabled: 'O' }]);
  });

  it('has exactly the privileges the app needs on every table and sequence of the schema', async () => {
    // Read from pg_catalog rather than information_schema, which hides tables the role cannot use at all.
    const { rows: tables } = await runtime.query<{
      name: string;
      privileges: string[];
      chain_columns: string[];
    }>(
      `SELECT c.relname AS name,
              ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                               'REFERENCES', 'TRIGGER']) p
                     WHERE has_table_privilege(c.oid, p)) AS privileges,
              ARRAY(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND has_column_privilege(c.oid, a.attnum, 'UPDATE') ORDER BY a.attname) AS chain_columns
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY 1`,
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'audit_events', 'users']),
    );
    expect(tables.length).toBeGreaterThan(20);

    const dml = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
    for (const table of tables) {
      const expected =
        table.name === 'audit_events'
          ? ['SELECT', 'INSERT']
          : table.name === '_prisma_migrations'
            ? ['SELECT']
            : dml;
      expect({ table: table.name, privileges: table.privileges }).toEqual({
        table: table.name,
        privileges: expected,
      });
    }
    // UPDATE on audit_events reaches the sealer's columns and nothing else.
    expect(byName.get('audit_events')!.chain_columns).toEqual(['chain_pos', 'hash', 'prev_hash']);

    const { rows: sequences } = await runtime.query<{ name: string; usage: boolean; update: boolean }>(
      `SELECT c.relname AS name, has_sequence_privilege(c.oid, 'USAGE') AS usage,
              has_sequence_privilege(c.oid, 'UPDATE') AS update
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'S'`,
    );
    expect(sequences.length).toBeGreaterThan(0);
    expect(sequences.filter((s) => !s.usage || s.update)).toEqual([]);
  });

  it('can use a table a later migration adds at once (the owner’s default privileges)', async () => {
    await owner.query('BEGIN');
    try {
      await owner.query('CREATE TABLE grants_probe (id bigserial PRIMARY KEY, note text)');
      const { rows } = await owner.query(
        `SELECT ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p
                       WHERE has_table_privilege($1, 'grants_probe', p)) AS privileges,
                has_sequence_privilege($1, 'grants_probe_id_seq', 'USAGE') AS sequence`,
        [runtimeRole],
      );
      expect(rows[0]).toEqual({ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], sequence: true });
    } finally {
      await owner.query('ROLLBACK');
    }
  });

  it('is the only kind of role the api and worker agree to start with', async () => {
    const problem = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await describeDatabaseRoleProblem(pgRunner(client));
      } finally {
        await client.end();
      }
    };
    expect(await problem(inject('databaseUrl'))).toBeUndefined();
    expect(await problem(inject('databaseOwnerUrl'))).toBe(
      `connected to PostgreSQL as "${ownerRole}", which owns audit_events, may create objects in schema public, ` +
        'may change or delete audit events; the api and worker must use the runtime role, which owns nothing ' +
        '(docs/SECURITY.md#database-roles).',
    );
    const superuserUrl = Object.assign(new URL(inject('databaseAdminUrl')), {
      pathname: new URL(inject('databaseUrl')).pathname,
    }).toString();
    expect(await problem(superuserUrl)).toMatch(
      /^connected to PostgreSQL as "[^"]+", which is a superuser; /,
    );
  });
});
