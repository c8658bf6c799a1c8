import type { ChainVerification } from '@baton/contracts';
import {
  AUDIT_COLUMNS,
  GENESIS_HASH,
  chainHash,
  checkSignature,
  parseCheckpoint,
  parsePublicKeys,
  type AuditCheckpoint,
  type AuditRow,
} from '@baton/security';
import type { INestApplicationContext } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { ConfigService } from '../src/config/config.service.js';
import { AuditCheckpointSinks } from '../src/modules/audit/audit-checkpoint.sinks.js';
import { AuditCheckpointService } from '../src/modules/audit/audit-checkpoint.service.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { REPO_ROOT } from '../src/paths.js';
import { eventually, startApi, type Client, type TestApi } from './support/api.js';
import { signedInAdmin } from './factories/users.factory.js';
import { ownDatabase, type OwnDatabase } from './support/databases.js';
import { capturingLogger, testEnv } from './support/test-env.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';

const HOUR = 3_600_000;

/** A fixed Ed25519 key for this file: PKCS#8 DER is a fixed prefix followed by the 32-byte seed. */
const TEST_KEY_PEM = createPrivateKey({
  key: Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    createHash('sha256').update('baton audit checkpoint test key').digest(),
  ]),
  format: 'der',
  type: 'pkcs8',
})
  .export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** A syslog receiver over UDP: every datagram, as text. */
async function startUdpListener(): Promise<{ socket: Socket; port: number; messages: string[] }> {
  const socket = createSocket('udp4');
  const messages: string[] = [];
  socket.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, messages };
}

describe('signed audit checkpoints outside the database', () => {
  let own: OwnDatabase | undefined;
  let databaseUrl: string;
  let dir: string;
  let checkpointFile: string;
  let keyFile: string;
  let env: NodeJS.ProcessEnv;
  let api: TestApi;
  let db: pg.Client;
  let admin: Client;
  let checkpoints: AuditCheckpointService;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let syslog: Awaited<ReturnType<typeof startUdpListener>>;
  const webhookSecret = 'checkpoint-webhook-secret-0123456789abcdef';

  const fileLines = (file = checkpointFile): string[] => {
    try {
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const fileCheckpoints = () => fileLines().map((line) => parseCheckpoint(line)!);

  /** `npm run audit:verify` against this file's database and checkpoint file (or another one). */
  function verifyCli(args: string[] = []): { status: number | null; output: string } {
    const run = spawnSync('npm', ['run', '-s', 'audit:verify', '--', ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_CHECKPOINT_KEY_FILE: join(dir, 'nowhere.key'),
      },
      encoding: 'utf8',
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  async function verifyApi(): Promise<ChainVerification> {
    const response = await admin.get<ChainVerification>('/api/v1/audit/verify');
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Writes `count` events and seals them; returns their chain positions. */
  async function sealedEvents(count: number, marker: string): Promise<bigint[]> {
    const audit = api.app.get(AuditService);
    for (let i = 0; i < count; i += 1)
      await audit.recordNow({ action: 'user.updated', target: { type: 'user', id: marker }, data: { i } });
    await api.sealAll();
    const rows = await api.prisma.auditEvent.findMany({
      where: { targetId: marker },
      orderBy: { seq: 'asc' },
    });
    return rows.map((r) => r.chainPos!);
  }

  async function head(): Promise<bigint> {
    const { rows } = await db.query<{ pos: string }>('SELECT max(chain_pos) AS pos FROM audit_events');
    return BigInt(rows[0]!.pos);
  }

  /**
   * The attack: as the tables' owner (or a superuser), switch the append-only trigger off, apply `change` to a
   * sealed row, recompute every hash from there to the tip exactly as the sealer does, and switch the
   * trigger back on. The chain is then internally perfect.
   */
  async function rewriteAndRehash(chainPos: bigint, change: string, params: unknown[]): Promise<void> {
    await db.query('BEGIN');
    try {
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER ALL');
      await db.query(change, params);
      const { rows } = await db.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE chain_pos >= $1 ORDER BY chain_pos`,
        [String(chainPos)],
      );
      const {
        rows: [before],
      } = await db.query<{ hash: string | null }>('SELECT hash FROM audit_events WHERE chain_pos = $1', [
        String(chainPos - 1n),
      ]);
      let prev = before?.hash ?? GENESIS_HASH;
      for (const row of rows) {
        const hash = chainHash(prev, row, row.chain_pos!);
        await db.query('UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE seq = $1', [
          row.seq,
          prev,
          hash,
        ]);
        prev = hash;
      }
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER ALL');
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }

  beforeAll(async () => {
    // A database of this file's own: the attack below rewrites the whole chain, which other files share.
    own = ownDatabase('ckpt');
    databaseUrl = own.databaseUrl;
    dir = mkdtempSync(join(tmpdir(), 'baton-checkpoints-'));
    checkpointFile = join(dir, 'sink', 'audit-checkpoints.jsonl');
    keyFile = join(dir, 'checkpoint.key');
    writeFileSync(keyFile, TEST_KEY_PEM, { mode: 0o600 });
    webhook = await startWebhookReceiver();
    syslog = await startUdpListener();
    env = {
      DATABASE_URL: databaseUrl,
      AUDIT_CHECKPOINT_SINKS: 'file,webhook,syslog',
      AUDIT_CHECKPOINT_EVERY_EVENTS: '5',
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
      AUDIT_CHECKPOINT_FILE: checkpointFile,
      AUDIT_CHECKPOINT_KEY_FILE: keyFile,
      AUDIT_CHECKPOINT_WEBHOOK_URL: webhook.url,
      AUDIT_CHECKPOINT_WEBHOOK_SECRET: webhookSecret,
      AUDIT_CHECKPOINT_SYSLOG_URL: `udp://127.0.0.1:${syslog.port}`,
    };
    api = await startApi(env);
    checkpoints = api.app.get(AuditCheckpointService);
    // The attacker holds the owner's credentials: only the owner can switch the trigger off.
    db = new pg.Client({
      connectionString: Object.assign(new URL(databaseUrl), {
        username: new URL(inject('databaseOwnerUrl')).username,
      }).toString(),
    });
    await db.connect();
    admin = await signedInAdmin(api);
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await api?.close();
    await webhook?.close();
    syslog?.socket.close();
    await own?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the worker signs the head every N sealed events and ships it to the file, webhook and syslog sinks', async () => {
    const worker: INestApplicationContext = await createWorker(testEnv(env), capturingLogger('warn').logger);
    await worker.init();
    try {
      // No checkpoint yet: the first one comes as soon as anything is sealed.
      await sealedEvents(1, 'count-trigger-first');
      const first = await eventually(fileCheckpoints, (list) => list.length >= 1, 15_000);
      expect(first).toHaveLength(1);
      const firstPos = BigInt(first[0]!.chainPos);

      // The interval is an hour, so only the count (5) can make the next one.
      await sealedEvents(5, 'count-trigger-second');
      const both = await eventually(fileCheckpoints, (list) => list.length >= 2, 15_000);
      expect(both).toHaveLength(2);
      expect(BigInt(both[1]!.chainPos) - firstPos).toBeGreaterThanOrEqual(5n);
    } finally {
      await worker.close();
    }

    // Each checkpoint names this database, the head's hash, and is signed with the file's key.
    const publicKeys = parsePublicKeys(readFileSync(`${keyFile}.pub`, 'utf8'));
    const { rows } = await db.query<{ chain_pos: string; hash: string }>(
      'SELECT chain_pos, hash FROM audit_events WHERE chain_pos = ANY($1::bigint[])',
      [fileCheckpoints().map((c) => c.chainPos)],
    );
    for (const c of fileCheckpoints()) {
      expect(checkSignature(c, publicKeys)).toBeNull();
      expect(c.database).toBe(new URL(databaseUrl).pathname.slice(1));
      expect(rows.find((r) => r.chain_pos === c.chainPos)?.hash).toBe(c.hash);
    }
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // The webhook got the same signed lines, with an HMAC of the exact body.
    const lines = fileLines();
    await eventually(
      () => webhook.calls.length,
      (n) => n >= lines.length,
    );
    expect(webhook.calls.map((c) => c.raw)).toEqual(lines);
    for (const call of webhook.calls) {
      expect(call.headers['x-baton-checkpoint-signature']).toBe(
        `sha256=${createHmac('sha256', webhookSecret).update(call.raw).digest('hex')}`,
      );
    }
    // Syslog: one RFC 5424 message per checkpoint, facility "log audit", the signed line as its text.
    await eventually(
      () => syslog.messages.length,
      (n) => n >= lines.length,
    );
    expect(syslog.messages).toHaveLength(lines.length);
    syslog.messages.forEach((message, i) => {
      expect(message).toMatch(/^<110>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ baton \d+ audit-checkpoint - /);
      expect(message.endsWith(` - ${lines[i]}`)).toBe(true);
    });
  });

  it('without N events, a checkpoint waits for the interval, and none is made while nothing new is sealed', async () => {
    const t0 = Date.now() + 10 * HOUR; // later than any checkpoint so far
    const at = (ms: number) => new Date(t0 + ms);
    await sealedEvents(1, 'time-trigger-start');
    expect(await checkpoints.tick(at(0))).not.toBeNull(); // the clock starts from this checkpoint
    const before = fileLines();

    await sealedEvents(1, 'time-trigger');
    expect(await checkpoints.tick(at(60_000))).toBeNull();
    const made = await checkpoints.tick(at(HOUR));
    expect(made).toMatchObject({ chainPos: String(await head()), createdAt: at(HOUR).toISOString() });
    expect(await checkpoints.tick(at(3 * HOUR))).toBeNull(); // the head did not move

    // The file sink only ever appends: what was there is still there, byte for byte.
    const after = fileLines();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((l) => parseCheckpoint(l))).toEqual([made]);
  });

  it('a sink that fails is retried on a later run and does not hold up the others', async () => {
    const t0 = Date.now() + 20 * HOUR;
    await sealedEvents(1, 'retry');
    const calls = webhook.calls.length;
    webhook.failNext(3); // every attempt of the first delivery
    const made = (await checkpoints.tick(new Date(t0)))!;
    expect(made).not.toBeNull();
    expect(fileCheckpoints().at(-1)).toEqual(made);
    expect(webhook.calls).toHaveLength(calls);
    const [row] = await api.prisma.auditCheckpoint.findMany({ orderBy: { id: 'desc' }, take: 1 });
    expect(row!.pendingSinks).toEqual(['webhook']);

    await checkpoints.deliverPending(new Date(t0 + 10 * 60_000));
    expect(webhook.calls.slice(calls).map((c) => c.raw)).toEqual([JSON.stringify(made)]);
    expect(
      (await api.prisma.auditCheckpoint.findUniqueOrThrow({ where: { id: row!.id } })).pendingSinks,
    ).toEqual([]);
  });

  it('the syslog sink also speaks octet-counted RFC 5424 over TCP', async () => {
    const received: string[] = [];
    const server: Server = createServer((socket) => {
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      socket.on('end', () => {
        received.push(data);
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const sinks = new AuditCheckpointSinks(
        new ConfigService(testEnv({ ...env, AUDIT_CHECKPOINT_SYSLOG_URL: `tcp://127.0.0.1:${port}` })),
      );
      const line = fileLines().at(-1)!;
      await sinks.deliver('syslog', line);
      const [frame] = await eventually(
        () => received,
        (r) => r.length === 1,
      );
      const space = frame!.indexOf(' ');
      const message = frame!.slice(space + 1);
      expect(Number(frame!.slice(0, space))).toBe(Buffer.byteLength(message));
      expect(message).toMatch(/^<110>1 \S+ \S+ baton \d+ audit-checkpoint - /);
      expect(message.endsWith(line)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a checkpoint whose signed content was altered fails verification on its own', async () => {
    const ok = verifyCli(['--public-key', `${keyFile}.pub`]);
    expect(ok.output).toContain('audit chain OK');
    expect(ok.status).toBe(0);

    const lines = fileLines();
    const forged = { ...parseCheckpoint(lines[0]!)!, createdAt: '2020-01-01T00:00:00.000Z' };
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, [JSON.stringify(forged), ...lines.slice(1)].join('\n') + '\n');
    const run = verifyCli(['--checkpoints', tampered, '--public-key', `${keyFile}.pub`]);
    expect(run.status).toBe(1);
    expect(run.output).toContain(
      `checkpoint on line 1 (position ${forged.chainPos}, 2020-01-01T00:00:00.000Z): its signature is invalid`,
    );

    // Without the public key, the checkpoints cannot vouch for anything: that is a failure, not a pass.
    const keyless = spawnSync(
      'npm',
      ['run', '-s', 'audit:verify', '--', '--public-key', join(dir, 'none.pub')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, AUDIT_CHECKPOINT_FILE: checkpointFile },
        encoding: 'utf8',
      },
    );
    expect(keyless.status).toBe(1);
    expect(`${keyless.stdout}${keyless.stderr}`).toContain('no checkpoint public key was found');
  });

  it('a sealed event rewritten and re-hashed to the tip by the database superuser is caught at its position', async () => {
    // A checkpoint right at the victim, and more events and a checkpoint after it.
    const [victimPos] = await sealedEvents(1, 'victim');
    const t0 = Date.now() + 30 * HOUR;
    expect(await checkpoints.tick(new Date(t0))).toMatchObject({ chainPos: String(victimPos) });
    await sealedEvents(2, 'after-victim');
    expect(await checkpoints.tick(new Date(t0 + HOUR))).not.toBeNull();
    const signed = fileCheckpoints();
    const latest = signed.at(-1)!;

    const before = verifyCli(['--public-key', `${keyFile}.pub`]);
    expect(before.output).toContain(
      `${signed.length} signed checkpoint(s) verified, latest at position ${latest.chainPos}`,
    );
    expect(before.status).toBe(0);
    const apiBefore = await verifyApi();
    expect(apiBefore).toMatchObject({
      ok: true,
      checkpoints: { verified: signed.length, latest: { chainPosition: latest.chainPos }, failure: null },
    });

    const {
      rows: [original],
    } = await db.query<{ data: string }>('SELECT data::text AS data FROM audit_events WHERE chain_pos = $1', [
      String(victimPos),
    ]);
    await rewriteAndRehash(
      victimPos!,
      `UPDATE audit_events SET data = '{"i":"something else"}' WHERE chain_pos = $1`,
      [String(victimPos)],
    );
    try {
      const victimCheckpoint = signed.find((c: AuditCheckpoint) => c.chainPos === String(victimPos))!;
      const cli = verifyCli(['--public-key', `${keyFile}.pub`]);
      expect(cli.status).toBe(1);
      expect(cli.output).toMatch(
        new RegExp(
          `audit chain FAILS its signed checkpoints: position ${victimPos}: database hash [0-9a-f]{12}… differs from the signed checkpoint of ${victimCheckpoint.createdAt.replace(/\./g, '\\.')}`,
        ),
      );

      const viaApi = await verifyApi();
      // The chain alone is perfect again: only the checkpoints tell.
      expect(viaApi).toMatchObject({
        ok: false,
        firstBroken: null,
        checkpoints: { failure: { chainPosition: String(victimPos), createdAt: victimCheckpoint.createdAt } },
      });

      // The worker refuses to sign the rewritten chain, so the forgery cannot be blessed later either.
      await sealedEvents(1, 'after-rewrite');
      expect(await checkpoints.tick(new Date(t0 + 2 * HOUR))).toBeNull();
    } finally {
      await rewriteAndRehash(victimPos!, 'UPDATE audit_events SET data = $2::jsonb WHERE chain_pos = $1', [
        String(victimPos),
        original!.data,
      ]);
    }
    const repaired = verifyCli(['--public-key', `${keyFile}.pub`]);
    expect(repaired.output).toContain('audit chain OK');
    expect(repaired.status).toBe(0);
  });

  it('removing the newest events is caught: the database is behind its latest checkpoint', async () => {
    await sealedEvents(3, 'tail');
    const made = (await checkpoints.tick(new Date(Date.now() + 40 * HOUR)))!;
    expect(made.chainPos).toBe(String(await head()));
    expect(verifyCli(['--public-key', `${keyFile}.pub`]).status).toBe(0);

    await db.query('BEGIN');
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER ALL');
    await db.query('DELETE FROM audit_events WHERE chain_pos > $1', [String(BigInt(made.chainPos) - 2n)]);
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER ALL');
    await db.query('COMMIT');

    const cli = verifyCli(['--public-key', `${keyFile}.pub`]);
    expect(cli.status).toBe(1);
    expect(cli.output).toContain(
      `position ${made.chainPos}: the signed checkpoint of ${made.createdAt} names an event the database no longer has (the chain ends at ${BigInt(made.chainPos) - 2n})`,
    );
    expect(await verifyApi()).toMatchObject({
      ok: false,
      firstBroken: null,
      checkpoints: { failure: { chainPosition: made.chainPos } },
    });
  });
});
