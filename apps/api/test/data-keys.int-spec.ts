import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataEncryptionService } from '../src/common/crypto/data-encryption.service.js';
import { ContactsService } from '../src/modules/contacts/contacts.service.js';
import { REPO_ROOT } from '../src/paths.js';
import { preflight } from '../src/preflight.js';
import { whatsappContact } from './factories/conversations.factory.js';
import { webchatChannel } from './factories/channels.factory.js';
import { createUser, signIn, startApi, type TestApi, type TestUser } from './support/api.js';
import { createDatabase, dropDatabase, runTool } from './support/databases.js';
import { testEnv } from './support/test-env.js';

const key = (seed: string) => `${seed}:${Buffer.alloc(32, seed).toString('base64')}`;
const K1 = key('k1');
const K2 = key('k2');

describe('data encryption keys', () => {
  let databaseUrl: string;
  let api: TestApi | undefined;
  let user: TestUser;
  const phones = new Map<string, string>();

  /** The api on this file's database with `keys` as DATA_ENCRYPTION_KEYS (the previous one closed). */
  async function restart(keys: string): Promise<TestApi> {
    await api?.close();
    api = await startApi({ DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: keys });
    return api;
  }

  const rotate = (keys: string, args: string[] = []) =>
    runTool('keys/rotate.ts', args, { DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: keys });

  const keyIds = async () =>
    (
      await api!.prisma.$queryRaw<{ key_id: string }[]>`
        SELECT key_id FROM contacts WHERE key_id IS NOT NULL
        UNION ALL SELECT key_id FROM mfa_factors`
    ).map((r) => r.key_id);

  beforeAll(async () => {
    // A database of this file's own: its data is encrypted under keys no other file has.
    databaseUrl = createDatabase('keys');
    const first = await restart(K1);
    user = await createUser(first, { mfa: true });
    const channel = await webchatChannel(first);
    for (let i = 0; i < 120; i += 1) {
      const phone = `4915${String(i).padStart(8, '0')}`;
      phones.set((await whatsappContact(first, channel.id, phone)).id, `+${phone}`);
    }
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('the api and worker refuse to start without a key the stored data uses, naming it and where', async () => {
    const problems = await preflight(testEnv({ DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: K2 }));
    expect(problems).toEqual([
      'stored data is encrypted under data key "k1" (120 row(s) of contacts: contact names, emails and ' +
        'phone numbers; 1 row(s) of mfa_factors: TOTP secrets), which DATA_ENCRYPTION_KEYS ' +
        'lacks; add it back (docs/OPERATIONS.md#keys).',
    ]);
    expect(
      await preflight(testEnv({ DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: `${K2},${K1}` })),
    ).toEqual([]);
  });

  it('rotation refuses to start while a key the data uses is missing', () => {
    const run = rotate(K2);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('keys:rotate: Cannot rotate: stored data is encrypted under data key "k1"');
  });

  it('re-encrypts everything under the newest key while the product runs, resumably; then the old key can go', async () => {
    const running = await restart(`${K2},${K1}`);
    // Interrupted after its first batch (Ctrl-C, or a deploy): the batch in flight commits, the rest waits.
    // As `npm run keys:rotate` runs it: node itself, so the signal reaches the command.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@baton/source',
        join(REPO_ROOT, 'tools', 'keys', 'rotate.ts'),
        '--batch-size',
        '1',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: `${K2},${K1}` },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!child.killed && /: 1\/\d+/.test(out)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/Stopped after \d+ batch\(es\); run it again to finish\./);
    const halfway = await keyIds();
    expect(halfway).toContain('k1');
    expect(halfway).toContain('k2');

    // Meanwhile the product keeps writing under the newest key.
    const channel = await webchatChannel(running);
    const late = await whatsappContact(running, channel.id, '491700000001');
    expect(late.keyId).toBe('k2');

    const rest = rotate(`${K2},${K1}`, ['--batch-size', '50']);
    expect(rest.stderr).toBe('');
    expect(rest.status).toBe(0);
    expect(rest.stdout).toContain('Re-encrypting under data key "k2", the first of DATA_ENCRYPTION_KEYS.');
    expect(rest.stdout).toMatch(/contacts \(contact names, emails and phone numbers\): \d+\/\d+/);
    expect(rest.stdout).toContain('No stored data uses "k1" any more: remove it from DATA_ENCRYPTION_KEYS');
    expect(new Set(await keyIds())).toEqual(new Set(['k2']));

    // Every batch is audited, without a secret.
    const audited = await running.prisma.auditEvent.findMany({ where: { action: 'data_key.rotated' } });
    expect(audited.length).toBeGreaterThan(2);
    expect(audited.reduce((sum, e) => sum + (e.data as { rows: number }).rows, 0)).toBe(121);
    for (const event of audited) {
      expect(event.targetId).toBe('k2');
      expect(Object.keys(event.data as object).sort()).toEqual(['by', 'fromKeys', 'rows', 'table']);
    }

    // Without k1: preflight agrees, MFA sign-in works and every contact reads as before.
    expect(await preflight(testEnv({ DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEYS: K2 }))).toEqual([]);
    const after = await restart(K2);
    await signIn(after, user);
    const contacts = after.app.get(ContactsService);
    for (const [id, phone] of phones) expect(await contacts.phoneOf(id)).toBe(phone);
    expect(after.app.get(DataEncryptionService).currentKeyId).toBe('k2');
    // A second run has nothing to do.
    expect(rotate(K2).stdout).toContain('Nothing to re-encrypt: every encrypted value is under "k2".');
  }, 120_000);
});
