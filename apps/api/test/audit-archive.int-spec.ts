import type { ChainVerification } from '@baton/contracts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditCheckpointService } from '../src/modules/audit/audit-checkpoint.service.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { REPO_ROOT } from '../src/paths.js';
import { signedInAdmin } from './factories/users.factory.js';
import { startApi, type Client, type TestApi } from './support/api.js';
import { databaseUrlFor, dropDatabase, ownDatabase, type OwnDatabase } from './support/databases.js';
import { TEST_SECRETS } from './support/test-secrets.js';

describe('audit archival (npm run audit:archive)', () => {
  let own: OwnDatabase;
  let dir: string;
  let checkpointFile: string;
  let api: TestApi;
  let admin: Client;
  let owner: pg.Client;
  let runtime: pg.Client;

  function npm(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const run = spawnSync('npm', ['run', '-s', script, '--', ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: own.databaseUrl,
        DATABASE_OWNER_URL: own.ownerUrl,
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_CHECKPOINT_KEY_FILE: join(dir, 'checkpoint.key'),
        ...env,
      },
      encoding: 'utf8',
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  /** Writes and seals `count` events, then has the worker's checkpoint service sign the head. */
  async function eventsThenCheckpoint(count: number, checkpoint: boolean): Promise<bigint> {
    const audit = api.app.get(AuditService);
    for (let i = 0; i < count; i += 1)
      await audit.recordNow({
        action: 'user.updated',
        target: { type: 'user', id: 'archive-test' },
        data: { i },
      });
    await api.sealAll();
    if (checkpoint) expect(await api.app.get(AuditCheckpointService).tick()).not.toBeNull();
    const { rows } = await owner.query<{ pos: string }>(
      'SELECT max(chain_pos)::text AS pos FROM audit_events',
    );
    return BigInt(rows[0]?.pos ?? '0');
  }

  async function firstPosition(): Promise<bigint> {
    const { rows } = await owner.query<{ pos: string }>(
      'SELECT min(chain_pos)::text AS pos FROM audit_events',
    );
    return BigInt(rows[0]?.pos ?? '0');
  }

  beforeAll(async () => {
    // A database of this file's own: archival removes the oldest events, which other files read.
    own = ownDatabase('archive');
    dir = mkdtempSync(join(tmpdir(), 'baton-archive-'));
    checkpointFile = join(dir, 'audit-checkpoints.jsonl');
    api = await startApi({
      DATABASE_URL: own.databaseUrl,
      AUDIT_CHECKPOINT_SINKS: 'file',
      AUDIT_CHECKPOINT_EVERY_EVENTS: '5',
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
      AUDIT_CHECKPOINT_FILE: checkpointFile,
      AUDIT_CHECKPOINT_KEY_FILE: join(dir, 'checkpoint.key'),
    });
    admin = await signedInAdmin(api);
    owner = new pg.Client({ connectionString: own.ownerUrl });
    runtime = new pg.Client({ connectionString: own.databaseUrl });
    await Promise.all([owner.connect(), runtime.connect()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([owner?.end(), runtime?.end()]);
    await api?.close();
    await own?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every deletion but the owner archiving a sealed prefix it names', async () => {
    await eventsThenCheckpoint(1, false);
    await expect(runtime.query('DELETE FROM audit_events WHERE chain_pos = 1')).rejects.toThrow(
      /permission denied/,
    );
    await expect(owner.query('DELETE FROM audit_events WHERE chain_pos = 1')).rejects.toThrow(/append-only/);
    await owner.query('BEGIN');
    try {
      await owner.query(`SELECT set_config('baton.audit_archive_through', '1', true)`);
      await expect(owner.query('DELETE FROM audit_events WHERE chain_pos = 2')).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await owner.query('ROLLBACK');
    }
    await expect(owner.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
  });

  it('moves the oldest events to a verified file and keeps what remains verifiable from its last checkpoint', async () => {
    const signed = await eventsThenCheckpoint(6, true);
    const head = await eventsThenCheckpoint(2, false); // after the last checkpoint: must stay
    expect(head).toBeGreaterThan(signed);
    expect(npm('audit:verify', []).status).toBe(0);

    // Nothing happened before 2000: nothing to archive.
    const early = npm('audit:archive', ['--before', '2000-01-01', '--out', join(dir, 'none.jsonl')]);
    expect(early.output).toContain('nothing to archive');
    expect(early.status).toBe(0);

    const file = join(dir, 'first.jsonl');
    const archived = npm('audit:archive', [
      '--before',
      new Date(Date.now() + 60_000).toISOString(),
      '--out',
      file,
    ]);
    expect(archived.output).toContain(`chain positions 1 to ${signed}`);
    expect(archived.status).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await firstPosition()).toBe(signed + 1n);
    const { rows: events } = await owner.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM audit_events WHERE action = 'audit.archived'`,
    );
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ from: '1', to: String(signed), events: Number(signed), file: 'first.jsonl' }),
    ]);

    // What remains verifies from the archive's signed end, through the CLI and the API.
    await api.sealAll();
    const remaining = npm('audit:verify', []);
    expect(remaining.output).toContain(`positions 1 to ${signed} are archived`);
    expect(remaining.status).toBe(0);
    const viaApi = await admin.get<ChainVerification>('/api/v1/audit/verify');
    expect(viaApi.body).toMatchObject({ ok: true, archivedThrough: String(signed) });

    // The file verifies on its own, and an altered copy does not.
    const alone = npm('audit:verify', ['--archive', file], {
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    });
    expect(alone.output).toContain(`audit archive OK: ${signed} event(s)`);
    expect(alone.status).toBe(0);
    const altered = join(dir, 'altered.jsonl');
    writeFileSync(altered, readFileSync(file, 'utf8').replace('"i":3', '"i":4'));
    const tampered = npm('audit:verify', ['--archive', altered]);
    expect(tampered.output).toMatch(/FAILS: .*the event was altered/);
    expect(tampered.status).toBe(1);

    // Without the signed checkpoints, a missing beginning cannot be told from a removal.
    const unanchored = npm('audit:verify', [], { AUDIT_CHECKPOINT_FILE: join(dir, 'absent.jsonl') });
    expect(unanchored.output).toContain(`chain positions 1 to ${signed} are missing`);
    expect(unanchored.status).toBe(1);
  }, 180_000);

  it('archives again from where the last archive ended, each file anchored at both ends', async () => {
    const start = await firstPosition();
    const signed = await eventsThenCheckpoint(6, true);
    await eventsThenCheckpoint(1, false);
    const file = join(dir, 'second.jsonl');
    const archived = npm('audit:archive', [
      '--before',
      new Date(Date.now() + 60_000).toISOString(),
      '--out',
      file,
    ]);
    expect(archived.output).toContain(`chain positions ${start} to ${signed}`);
    expect(archived.status).toBe(0);
    expect(npm('audit:verify', ['--archive', file]).status).toBe(0);
    await api.sealAll();
    expect(npm('audit:verify', []).status).toBe(0);
    // An archive file is never overwritten: the second run stops before removing anything.
    await eventsThenCheckpoint(6, true);
    await eventsThenCheckpoint(1, false);
    const again = npm('audit:archive', [
      '--before',
      new Date(Date.now() + 60_000).toISOString(),
      '--out',
      file,
    ]);
    expect(again.output).toContain('EEXIST');
    expect(again.status).toBe(1);
    expect(await firstPosition()).toBe(signed + 1n);
  }, 180_000);

  it('backs up and restores an archived table: the restore checks the chain from where it begins', async () => {
    const backupDir = join(dir, 'backup');
    const backedUp = npm('backup', ['--out', backupDir]);
    expect(backedUp.status, backedUp.output).toBe(0);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as {
      auditChain: { archivedThrough: { chainPosition: string } | null };
    };
    expect(manifest.auditChain.archivedThrough?.chainPosition).toBe(String((await firstPosition()) - 1n));
    try {
      const restored = npm('restore', [backupDir], {
        ...TEST_SECRETS,
        DATABASE_OWNER_URL: databaseUrlFor('archive_restored', 'owner'),
        DATABASE_URL: databaseUrlFor('archive_restored'),
      });
      expect(restored.status, restored.output).toBe(0);
    } finally {
      await dropDatabase(databaseUrlFor('archive_restored'));
    }
  }, 180_000);
});
