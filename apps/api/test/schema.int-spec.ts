import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('database guarantees', () => {
  const db = new pg.Client({ connectionString: inject('databaseUrl') });
  const userId = randomUUID();

  beforeAll(async () => {
    await db.connect();
    await db.query(
      `INSERT INTO users (id, email, display_name, password_hash, updated_at) VALUES ($1, $2, 'Cap Test', 'x', now())`,
      [userId, `cap-${userId}@example.test`],
    );
  });
  afterAll(async () => {
    await db.query('DELETE FROM users WHERE id = $1', [userId]);
    await db.end();
  });

  it('never lets an agent hold more conversations than their capacity', async () => {
    await db.query(
      `INSERT INTO agent_states (user_id, capacity, active_count, updated_at) VALUES ($1, 2, 2, now())`,
      [userId],
    );
    await expect(
      db.query('UPDATE agent_states SET active_count = 3 WHERE user_id = $1', [userId]),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'agent_states_active_count_check',
    });
    await expect(
      db.query('UPDATE agent_states SET capacity = 1 WHERE user_id = $1', [userId]),
    ).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      db.query('UPDATE agent_states SET active_count = -1 WHERE user_id = $1', [userId]),
    ).rejects.toMatchObject({
      code: '23514',
    });
    const { rows } = await db.query('SELECT active_count, capacity FROM agent_states WHERE user_id = $1', [
      userId,
    ]);
    expect(rows[0]).toEqual({ active_count: 2, capacity: 2 });
  });

  it('keeps message seq unique per conversation', async () => {
    const { rows } = await db.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'messages' AND indexdef LIKE '%UNIQUE%(conversation_id, seq)%'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('keeps every audit_events column under the append-only trigger', async () => {
    const { rows: columns } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events'`,
    );
    const { rows: functions } = await db.query<{ source: string }>(
      `SELECT prosrc AS source FROM pg_proc WHERE proname = 'audit_events_append_only'`,
    );
    const source = functions[0]?.source ?? '';
    const unguarded = columns
      .map((c) => c.column_name)
      .filter((name) => !['chain_pos', 'prev_hash', 'hash'].includes(name))
      .filter((name) => !source.includes(`NEW.${name},`) && !source.includes(`NEW.${name})`));
    // A column missing here could be changed after sealing without the database refusing it.
    expect(unguarded).toEqual([]);
  });
});
