import type { AuditEvent, AuditPage, ChainVerification } from '@baton/contracts';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditSealerService } from '../src/modules/audit/audit-sealer.service.js';
import { REPO_ROOT } from '../src/paths.js';
import {
  createUser,
  forgetLastTotpStep,
  signIn,
  totp,
  type Client,
  type Reply,
  type TestApi,
  startApi,
} from './support/api.js';
import { testEnv } from './support/test-env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run audit:verify`, the operator's check, straight against this run's database. */
function auditVerifyCli(): { status: number | null; output: string } {
  const run = spawnSync('npm', ['run', '-s', 'audit:verify'], {
    cwd: REPO_ROOT,
    // This file's (absent) checkpoint file, never whatever a local install keeps in `.data/`.
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      AUDIT_CHECKPOINT_FILE: testEnv().AUDIT_CHECKPOINT_FILE,
      AUDIT_CHECKPOINT_KEY_FILE: testEnv().AUDIT_CHECKPOINT_KEY_FILE,
    },
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF rows): one object per row, keyed by the header. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\r' && c !== '\n')) {
      cell += c;
    } else if (c === ',' || c === '\n') {
      row.push(cell);
      cell = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    }
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

describe('audit trail', () => {
  let api: TestApi;
  let db: pg.Client;
  let admin: Client;
  let adminId: string;

  /** Every page of an audit search, following `nextCursor` to the end. */
  async function allPages(query: string): Promise<AuditPage[]> {
    const pages: AuditPage[] = [];
    let cursor: string | null = null;
    do {
      const path = `/api/v1/audit/events?${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const response: Reply<AuditPage> = await admin.get<AuditPage>(path);
      expect(response.status).toBe(200);
      pages.push(response.body);
      cursor = response.body.nextCursor;
    } while (cursor);
    return pages;
  }

  async function search(query: string): Promise<AuditEvent[]> {
    return (await allPages(`${query}&limit=500`)).flatMap((page) => page.items);
  }

  /**
   * Runs `sql` with the append-only trigger switched off, all in one transaction, so other sessions
   * never see the table unprotected (they wait on the table lock for a moment instead).
   */
  async function bypassingAppendOnly(sql: string, params: unknown[]): Promise<void> {
    await db.query('BEGIN');
    try {
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await db.query(sql, params);
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }

  /** The error PostgreSQL answers `sql` with. Always rolled back: should it succeed, nothing is lost. */
  async function databaseRefusal(sql: string, params: unknown[] = []): Promise<unknown> {
    await db.query('BEGIN');
    try {
      await db.query(sql, params);
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await db.query('ROLLBACK');
    }
  }

  async function rename(userId: string, displayName: string): Promise<void> {
    const response = await admin.request('PATCH', `/api/v1/users/${userId}`, { displayName });
    expect(response.status).toBe(200);
  }

  /** A user changed `count` times by the admin, every change sealed into the chain. */
  async function userWithSealedChanges(count: number): Promise<{ id: string; events: AuditEvent[] }> {
    const { id } = await createUser(api);
    for (let i = 0; i < count; i += 1) await rename(id, `Renamed ${i}`);
    await api.sealAll();
    return { id, events: await search(`targetId=${id}`) };
  }

  beforeAll(async () => {
    api = await startApi();
    // As the table's owner: only the owner can switch the trigger off, which the tamper test needs,
    // and the trigger must hold against the owner too.
    db = new pg.Client({ connectionString: inject('databaseOwnerUrl') });
    await db.connect();
    const user = await createUser(api, { roles: ['admin'], mfa: true });
    adminId = user.id;
    admin = await signIn(api, user);
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
  });

  it(
    '1,000 audit events written by 20 concurrent requests form one valid chain',
    { timeout: 180_000 },
    async () => {
      const target = await createUser(api);
      const total = 1000;

      // The sealer runs all along, in small batches, so sealing interleaves with the writers' commits.
      const sealer = api.app.get(AuditSealerService);
      let writing = true;
      let sealedWhileWriting = 0;
      const sealing = (async () => {
        while (writing) {
          sealedWhileWriting += await sealer.sealPending(50);
          await sleep(5);
        }
      })();

      let next = 0;
      const statuses: number[] = [];
      const writer = async () => {
        while (next < total) {
          const i = next++;
          const response = await admin.request('PATCH', `/api/v1/users/${target.id}`, {
            displayName: `Name ${i}`,
          });
          statuses.push(response.status);
        }
      };
      try {
        await Promise.all(Array.from({ length: 20 }, writer));
      } finally {
        writing = false;
        await sealing;
      }
      await api.sealAll();

      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(sealedWhileWriting).toBeGreaterThan(0);

      const events = await api.prisma.auditEvent.findMany({
        where: { action: 'user.updated', targetId: target.id },
      });
      expect(events).toHaveLength(total);
      // Each change is recorded exactly once, with what it changed.
      const names = new Set(events.map((e) => (e.data as { displayName: { to: string } }).displayName.to));
      expect(names.size).toBe(total);
      expect(events.filter((e) => e.chainPos === null || e.hash === null || e.prevHash === null)).toEqual([]);
      expect(new Set(events.map((e) => e.chainPos)).size).toBe(total);

      const verified = await admin.get<ChainVerification>('/api/v1/audit/verify');
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ ok: true, firstBroken: null });
      expect(verified.body.checked).toBeGreaterThanOrEqual(total);
    },
  );

  it(
    'a sealed event edited behind the database’s back is named by `npm run audit:verify`',
    { timeout: 120_000 },
    async () => {
      const { events } = await userWithSealedChanges(1);
      const victim = events[0]!;
      const {
        rows: [original],
      } = await db.query<{ data: string }>('SELECT data::text AS data FROM audit_events WHERE seq = $1', [
        victim.seq,
      ]);

      expect(auditVerifyCli().status).toBe(0);
      await bypassingAppendOnly(
        `UPDATE audit_events SET data = '{"displayName":{"to":"someone else"}}' WHERE seq = $1`,
        [victim.seq],
      );
      try {
        const broken = auditVerifyCli();
        expect(broken.status).not.toBe(0);
        expect(broken.output).toMatch(new RegExp(`audit chain BROKEN at seq ${victim.seq} \\(`));
        expect(broken.output).toContain('the event was altered');

        const viaApi = await admin.get<ChainVerification>('/api/v1/audit/verify');
        expect(viaApi.body).toMatchObject({ ok: false, firstBroken: { seq: victim.seq } });
      } finally {
        await bypassingAppendOnly('UPDATE audit_events SET data = $2::jsonb WHERE seq = $1', [
          victim.seq,
          original!.data,
        ]);
      }

      const repaired = auditVerifyCli();
      expect(repaired.output).toContain('audit chain OK');
      expect(repaired.status).toBe(0);
    },
  );

  it('the database itself refuses to change, delete, truncate, re-seal or forge sealed audit events', async () => {
    const { events } = await userWithSealedChanges(1);
    const sealed = events[0]!;
    expect(sealed.chainPosition).not.toBeNull();
    const appendOnly = (op: string) => ({
      code: '42501',
      message: `audit_events is append-only: ${op} is not allowed`,
    });

    expect(
      await databaseRefusal(`UPDATE audit_events SET data = '{}' WHERE seq = $1`, [sealed.seq]),
    ).toMatchObject(appendOnly('UPDATE'));
    expect(await databaseRefusal('DELETE FROM audit_events WHERE seq = $1', [sealed.seq])).toMatchObject(
      appendOnly('DELETE'),
    );
    expect(await databaseRefusal('TRUNCATE audit_events')).toMatchObject(appendOnly('TRUNCATE'));
    expect(
      await databaseRefusal(
        `UPDATE audit_events SET chain_pos = chain_pos + 1000000, prev_hash = $2, hash = $2 WHERE seq = $1`,
        [sealed.seq, 'f'.repeat(64)],
      ),
    ).toMatchObject(appendOnly('UPDATE'));

    // A row inserted as if already sealed could forge the chain's tip or leave a gap in it.
    expect(
      await databaseRefusal(
        `INSERT INTO audit_events (actor_roles, action, result, chain_pos, prev_hash, hash)
         VALUES ('{}', 'user.updated', 'success', 999999999, $1, $1)`,
        ['f'.repeat(64)],
      ),
    ).toMatchObject({ code: '42501', message: 'audit_events rows are sealed only by the sealer' });

    const unchanged = await api.prisma.auditEvent.findUniqueOrThrow({ where: { seq: BigInt(sealed.seq) } });
    expect(unchanged).toMatchObject({ hash: sealed.hash, prevHash: sealed.prevHash, data: sealed.data });
  });

  it('searches by action, actor, target, result and time, newest first, page by page', async () => {
    const { id: target } = await createUser(api);
    for (let i = 0; i < 4; i += 1) await rename(target, `Step ${i}`);
    expect((await admin.post(`/api/v1/users/${target}/disable`)).status).toBe(200);
    expect((await admin.post(`/api/v1/users/${target}/enable`)).status).toBe(200);

    const all = await search(`targetId=${target}`);
    expect(all.map((e) => e.action)).toEqual([
      'user.enabled',
      'user.disabled',
      'user.updated',
      'user.updated',
      'user.updated',
      'user.updated',
    ]);
    expect(all.map((e) => e.data)).toContainEqual({ displayName: { from: 'Step 2', to: 'Step 3' } });
    expect(all.every((e) => e.actor.id === adminId && e.result === 'success')).toBe(true);

    const updates = await search(`targetId=${target}&action=user.updated`);
    expect(updates.map((e) => e.seq)).toEqual(
      all.filter((e) => e.action === 'user.updated').map((e) => e.seq),
    );
    const seqs = (events: AuditEvent[]) => events.map((e) => e.seq);
    expect(seqs(await search(`targetId=${target}&actorId=${adminId}`))).toEqual(seqs(all));
    expect(await search(`targetId=${target}&result=denied`)).toEqual([]);

    // Time range: `from` is inclusive, `to` exclusive, so the two halves split the events exactly.
    const boundary = all[2]!.occurredAt;
    const since = await search(`targetId=${target}&from=${boundary}`);
    const before = await search(`targetId=${target}&to=${boundary}`);
    expect(since.map((e) => e.seq)).toEqual(all.filter((e) => e.occurredAt >= boundary).map((e) => e.seq));
    expect(before.map((e) => e.seq)).toEqual(all.filter((e) => e.occurredAt < boundary).map((e) => e.seq));
    expect([...since, ...before]).toHaveLength(all.length);

    // Pages of 4: no event twice, none missing, newest first across page boundaries.
    const pages = await allPages(`targetId=${target}&limit=4`);
    expect(pages.map((p) => p.items.length)).toEqual([4, 2]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const paged = pages.flatMap((p) => p.items.map((e) => e.seq));
    expect(paged).toEqual(all.map((e) => e.seq));
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.map(BigInt)).toEqual(paged.map(BigInt).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it('an agent may not read the audit trail, and the attempt is itself recorded as denied', async () => {
    const agent = await createUser(api, { roles: ['agent'] });
    const client = await signIn(api, agent);
    const denied = await client.get('/api/v1/audit/events');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await client.get('/api/v1/audit/export?format=csv')).status).toBe(403);

    const recorded = await search(`actorId=${agent.id}&action=access.denied&result=denied`);
    expect(recorded.map((e) => e.target.id)).toEqual([
      'GET /api/v1/audit/export',
      'GET /api/v1/audit/events',
    ]);
    expect(recorded[1]).toMatchObject({
      actor: { id: agent.id, email: agent.email, roles: ['agent'] },
      result: 'denied',
      data: { status: 403, reason: 'missing_permission', required: ['audit:read'] },
    });
  });

  it('exports the matching events as CSV and JSON, and records each export', async () => {
    const { id: target, events } = await userWithSealedChanges(3);
    await rename(target, 'Smith, Jane "JJ"');
    const expected = (await search(`targetId=${target}`)).reverse();
    expect(expected.slice(0, 3)).toEqual([...events].reverse());
    const exporterUser = await createUser(api, { roles: ['admin'], mfa: true });
    const exporter = await signIn(api, exporterUser);

    const json = await exporter.get<AuditEvent[]>(`/api/v1/audit/export?format=json&targetId=${target}`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="baton-audit-.*\.json"$/);
    expect(json.headers.get('cache-control')).toBe('no-store');
    // Oldest first; sealed events keep their place in the chain.
    expect(json.body.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    expect(json.body.slice(0, 3)).toEqual(expected.slice(0, 3));
    // The newest may be sealed by now (other instances seal too), so compare only what it says.
    expect(json.body.at(-1)!.data).toEqual({ displayName: { from: 'Renamed 2', to: 'Smith, Jane "JJ"' } });

    const csv = await exporter.get<string>(`/api/v1/audit/export?format=csv&targetId=${target}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe(
      'seq,chainPosition,occurredAt,actorId,actorEmail,actorRoles,action,targetType,targetId,result,ip,userAgent,requestId,data,prevHash,hash',
    );
    const rows = parseCsv(csv.body);
    expect(rows.map((r) => r.seq)).toEqual(json.body.map((e) => e.seq));
    expect(rows.map((r) => JSON.parse(r.data!) as unknown)).toEqual(json.body.map((e) => e.data));
    expect(rows[0]).toMatchObject({
      action: 'user.updated',
      targetId: target,
      actorId: adminId,
      hash: json.body[0]!.hash,
    });

    const exports = await api.prisma.auditEvent.findMany({
      where: { action: 'audit.exported', actorId: exporterUser.id },
      orderBy: { seq: 'asc' },
    });
    expect(exports.map((e) => e.data)).toEqual([
      { format: 'json', filters: { targetId: target } },
      { format: 'csv', filters: { targetId: target } },
    ]);
  });

  it('exports need a fresh MFA confirmation (step-up)', async () => {
    const user = await createUser(api, { roles: ['admin'], mfa: true });
    const client = await signIn(api, user);
    await db.query(`UPDATE sessions SET mfa_verified_at = now() - interval '10 minutes' WHERE user_id = $1`, [
      user.id,
    ]);

    const stale = await client.get('/api/v1/audit/export?format=json');
    expect(stale.status).toBe(403);
    expect(stale.body).toMatchObject({ error: { code: 'auth.step_up_required' } });
    const denial = await api.prisma.auditEvent.findFirst({
      where: { action: 'access.denied', actorId: user.id },
      orderBy: { seq: 'desc' },
    });
    expect(denial).toMatchObject({
      result: 'denied',
      targetId: 'GET /api/v1/audit/export',
      data: { reason: 'step_up' },
    });
    expect(await api.prisma.auditEvent.count({ where: { action: 'audit.exported', actorId: user.id } })).toBe(
      0,
    );

    // A new code (the sign-in's time step, let through again for this test) renews the window.
    await forgetLastTotpStep(api, user.id);
    expect(
      (await client.post('/api/v1/auth/mfa/verify', { code: await totp(user.totpSecret!) })).status,
    ).toBe(200);
    const fresh = await client.get<AuditEvent[]>(`/api/v1/audit/export?format=json&actorId=${user.id}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.map((e) => e.action)).toContain('auth.mfa_verified');
  });
});
