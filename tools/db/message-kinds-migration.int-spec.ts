import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { prismaPaths } from './migrate.js';
import { applyMigrations, ensureDatabase } from './schema-engine.js';

const MIGRATION = 'message_kinds';

/**
 * Messages written before `kind` existed get the kind they really were: a whisper or barge-in is
 * recognised by its audit event, other staff messages are notes or replies by `internal`.
 */
describe(`the ${MIGRATION} migration`, () => {
  // A migration test: it runs as the administrator, who creates and drops its scratch database.
  const url = new URL(inject('databaseAdminUrl'));
  url.pathname = `/${url.pathname.slice(1).slice(0, 30)}_kinds_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  const before = mkdtempSync(path.join(tmpdir(), 'baton-migrations-'));
  const db = new pg.Client({ connectionString: databaseUrl });

  afterAll(async () => {
    await db.end().catch(() => undefined);
    rmSync(before, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });

  it('backfills kinds from the author, `internal` and the audit trail', async () => {
    const { migrationsDir, schemaPath } = prismaPaths();
    for (const entry of readdirSync(migrationsDir)) {
      if (!entry.endsWith(`_${MIGRATION}`))
        cpSync(path.join(migrationsDir, entry), path.join(before, entry), { recursive: true });
    }
    await ensureDatabase(databaseUrl);
    await applyMigrations({ databaseUrl, migrationsDir: before, schemaPath });
    await db.connect();

    const agent = randomUUID();
    const supervisor = randomUUID();
    const channel = randomUUID();
    const contact = randomUUID();
    const conversation = randomUUID();
    await db.query(
      `INSERT INTO users (id, email, display_name, password_hash, updated_at)
       VALUES ($1, 'ana@example.test', 'Ana', 'x', now()), ($2, 'sam@example.test', 'Sam', 'x', now())`,
      [agent, supervisor],
    );
    await db.query(`INSERT INTO channels (id, kind, name, updated_at) VALUES ($1, 'webchat', 'web', now())`, [
      channel,
    ]);
    await db.query(
      `INSERT INTO contacts (id, channel_id, external_id, updated_at) VALUES ($1, $2, 'v1', now())`,
      [contact, channel],
    );
    await db.query(
      `INSERT INTO conversations (id, channel_id, contact_id, updated_at, last_seq) VALUES ($1, $2, $3, now(), 7)`,
      [conversation, channel, contact],
    );
    const rows: [number, string, string | null, boolean][] = [
      [1, 'customer', null, false],
      [2, 'bot', null, false],
      [3, 'system', null, false],
      [4, 'agent', agent, false],
      [5, 'agent', agent, true],
      [6, 'agent', supervisor, true],
      [7, 'agent', supervisor, false],
    ];
    const ids = new Map<number, string>();
    for (const [seq, authorKind, author, internal] of rows) {
      const id = randomUUID();
      ids.set(seq, id);
      await db.query(
        `INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, internal)
         VALUES ($1, $2, $3, $4, $5, 'x', $6)`,
        [id, conversation, seq, authorKind, author, internal],
      );
    }
    for (const [seq, action] of [
      [6, 'conversation.whispered'],
      [7, 'conversation.barged_in'],
    ] as const) {
      await db.query(
        `INSERT INTO audit_events (actor_id, action, target_type, target_id, result, data)
         VALUES ($1, $2, 'conversation', $3, 'success', $4)`,
        [supervisor, action, conversation, JSON.stringify({ seq, messageId: ids.get(seq) })],
      );
    }

    await applyMigrations({ databaseUrl, migrationsDir, schemaPath });

    const kinds = await db.query<{ seq: number; kind: string }>(
      'SELECT seq, kind::text AS kind FROM messages WHERE conversation_id = $1 ORDER BY seq',
      [conversation],
    );
    expect(kinds.rows.map((r) => r.kind)).toEqual([
      'customer',
      'bot',
      'system',
      'reply',
      'note',
      'whisper',
      'barge_in',
    ]);
  });
});
