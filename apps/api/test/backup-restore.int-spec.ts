import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ContactsService } from '../src/modules/contacts/contacts.service.js';
import { preflight } from '../src/preflight.js';
import { webchatChannel } from './factories/channels.factory.js';
import { whatsappContact } from './factories/conversations.factory.js';
import {
  createUser,
  forgetLastTotpStep,
  signIn,
  startApi,
  type TestApi,
  type TestUser,
} from './support/api.js';
import { createDatabase, databaseUrlFor, dropDatabase, runTool } from './support/databases.js';
import { testEnv } from './support/test-env.js';
import { TEST_SECRETS } from './support/test-secrets.js';

interface Manifest {
  batonVersion: string;
  database: string;
  dump: { file: string; bytes: number; sha256: string };
  migrations: string[];
  tables: Record<string, number>;
  auditChain: { sealed: number; unsealed: number; head: { chainPosition: string; hash: string } | null };
  encryptionKeys: { keyId: string; table: string; rows: number }[];
}

async function countsOf(databaseUrl: string, tables: string[]): Promise<Record<string, number>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of tables)
      counts[table] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n;
    return counts;
  } finally {
    await db.end();
  }
}

describe('backup and restore', () => {
  let sourceUrl: string;
  let source: TestApi;
  let dir: string;
  let backupDir: string;
  let user: TestUser;
  let contactId: string;
  const created: string[] = [];

  /** `npm run restore -- <path>` into database `<run's>_<suffix>`, with the test keys unless `keys`. */
  const restore = (path: string, suffix: string, keys?: string) => {
    created.push(suffix);
    return runTool('backup/restore.ts', [path], {
      DATABASE_OWNER_URL: databaseUrlFor(suffix, 'owner'),
      DATABASE_URL: databaseUrlFor(suffix),
      DATA_ENCRYPTION_KEYS: keys ?? TEST_SECRETS.DATA_ENCRYPTION_KEYS,
    });
  };

  const databaseExists = async (suffix: string) => {
    const db = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await db.connect();
    try {
      const name = new URL(databaseUrlFor(suffix)).pathname.slice(1);
      return (await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    // A database of this file's own, so the counts in the backup are this file's alone.
    sourceUrl = createDatabase('bak');
    source = await startApi({ DATABASE_URL: sourceUrl });
    user = await createUser(source, { mfa: true });
    const channel = await webchatChannel(source);
    contactId = (await whatsappContact(source, channel.id, '4915100000042')).id;
    await signIn(source, user);
    await source.sealAll();
    dir = mkdtempSync(join(tmpdir(), 'baton-backups-'));
    backupDir = join(dir, 'nightly');
  }, 120_000);

  afterAll(async () => {
    await source?.close();
    if (sourceUrl) await dropDatabase(sourceUrl);
    for (const suffix of created) await dropDatabase(databaseUrlFor(suffix));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm run backup writes a dump and a manifest describing it, readable by its owner only', async () => {
    // While the product writes: the manifest describes the dump's own snapshot.
    const run = runTool('backup/backup.ts', ['--out', backupDir], {
      DATABASE_OWNER_URL: databaseUrlFor('bak', 'owner'),
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Backing up "\S+_bak": \d+ tables, \d+ rows\./);
    expect(run.stdout).toMatch(/\[\d+\/\d+\] users \(\d+ rows\)/);
    expect(run.stdout).toContain(`Backup written to ${backupDir}`);

    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    const dump = readFileSync(join(backupDir, manifest.dump.file));
    expect(manifest.dump.sha256).toBe(createHash('sha256').update(dump).digest('hex'));
    expect(manifest.dump.bytes).toBe(dump.length);
    expect(manifest.database).toBe(new URL(sourceUrl).pathname.slice(1));
    expect(manifest.batonVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.migrations.length).toBeGreaterThan(5);
    expect(manifest.tables).toEqual(await countsOf(sourceUrl, Object.keys(manifest.tables)));
    expect(manifest.tables.users).toBeGreaterThanOrEqual(2);
    expect(manifest.auditChain.sealed).toBeGreaterThan(0);
    expect(manifest.auditChain.head?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.encryptionKeys).toEqual([
      { keyId: 'test1', table: 'contacts', holds: expect.any(String), rows: 1 },
      { keyId: 'test1', table: 'mfa_factors', holds: expect.any(String), rows: 1 },
    ]);
    // Ids only, never a key.
    expect(JSON.stringify(manifest)).not.toContain(testEnv().DATA_ENCRYPTION_KEYS[0]!.key.toString('base64'));
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(backupDir, 'baton.dump')).mode & 0o777).toBe(0o600);
    expect(existsSync(`${backupDir}.partial`)).toBe(false);

    const again = runTool('backup/backup.ts', ['--out', backupDir], {
      DATABASE_OWNER_URL: databaseUrlFor('bak', 'owner'),
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`backup: ${backupDir} already exists; name a new folder.\n`);
  });

  it('npm run restore brings it back into an empty database, verified, and the product starts on it', async () => {
    const run = restore(backupDir, 'bak_restored');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const step of ['[1/6]', '[2/6]', '[3/6]', '[4/6]', '[5/6]', '[6/6]'])
      expect(run.stdout).toContain(step);
    expect(run.stdout).toMatch(/\[\d+\/\d+\] contacts \(1 rows\)/);
    expect(run.stdout).toMatch(/audit chain OK up to position \d+/);
    expect(run.stdout).toContain('Baton may start on it.');

    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    const restoredUrl = databaseUrlFor('bak_restored');
    expect(await countsOf(restoredUrl, Object.keys(manifest.tables))).toEqual(manifest.tables);
    expect(await preflight(testEnv({ DATABASE_URL: restoredUrl }))).toEqual([]);
    const restored = await startApi({ DATABASE_URL: restoredUrl });
    try {
      // The source accepted this user's code of the current 30 s step already, and the restore kept that.
      await forgetLastTotpStep(restored, user.id);
      await signIn(restored, user);
      expect(await restored.app.get(ContactsService).phoneOf(contactId)).toBe('+4915100000042');
    } finally {
      await restored.close();
    }
  });

  it('refuses a database that is not empty, saying what to do, and changes nothing in it', async () => {
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    const before = await countsOf(databaseUrlFor('bak_restored'), Object.keys(manifest.tables));
    const run = restore(backupDir, 'bak_restored');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^restore: database "\S+_bak_restored" is not empty \(\d+ tables, views or sequences, e\.g\. public\._prisma_migrations, .+\); a restore never overwrites data\. Point DATABASE_OWNER_URL and DATABASE_URL at a new database/,
    );
    expect(await countsOf(databaseUrlFor('bak_restored'), Object.keys(manifest.tables))).toEqual(before);
  });

  it('refuses to restore without a runtime role to grant it to, before touching any database', async () => {
    created.push('bak_ownerless');
    const run = runTool('backup/restore.ts', [backupDir], {
      DATABASE_OWNER_URL: databaseUrlFor('bak_ownerless', 'owner'),
      DATABASE_URL: databaseUrlFor('bak_ownerless', 'owner'),
      DATA_ENCRYPTION_KEYS: TEST_SECRETS.DATA_ENCRYPTION_KEYS,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^restore: no runtime role to grant the restored database to: set DATABASE_OWNER_URL/,
    );
    expect(await databaseExists('bak_ownerless')).toBe(false);
  });

  it('refuses a dump changed after the backup, before touching any database', async () => {
    const tampered = join(dir, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const dumpPath = join(tampered, 'baton.dump');
    const bytes = readFileSync(dumpPath);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 1;
    writeFileSync(dumpPath, bytes);
    const run = restore(join(tampered, 'manifest.json'), 'bak_tampered');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^restore: the dump \S+baton\.dump does not match its manifest \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\): it was changed or copied incompletely; restore another copy of this backup\.\n$/,
    );
    expect(await databaseExists('bak_tampered')).toBe(false);
  });

  it('refuses a backup whose data key is not configured, naming it, before touching any database', async () => {
    const run = restore(backupDir, 'bak_keyless', `other:${Buffer.alloc(32, 7).toString('base64')}`);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'restore: the backup is encrypted under data key "test1" (1 row(s) of contacts: contact names, emails ' +
        'and phone numbers; 1 row(s) of mfa_factors: TOTP secrets), which DATA_ENCRYPTION_KEYS lacks; add it ' +
        'back (docs/OPERATIONS.md#keys). Nothing was restored.\n',
    );
    expect(await databaseExists('bak_keyless')).toBe(false);
  });
});
