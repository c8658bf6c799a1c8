import { ALL_PERMISSIONS, BUILT_IN_ROLE_PERMISSIONS } from '@baton/authz';
import type { AccessReviewEntry, CreatedUser, Role, SessionInfo, UserSummary } from '@baton/contracts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsersService } from '../src/modules/users/users.service.js';
import { REPO_ROOT } from '../src/paths.js';
import {
  Client,
  createUser,
  forgetLastTotpStep,
  signIn,
  startApi,
  totp,
  type TestApi,
  type TestUser,
} from './support/api.js';

interface ErrorReply {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const DAY_MS = 86_400_000;
const suffix = () => randomBytes(3).toString('hex');

/** An admin with MFA, signed in just now (so the step-up window is fresh). */
async function signedInAdmin(api: TestApi): Promise<{ admin: TestUser; client: Client }> {
  const admin = await createUser(api, { roles: ['admin'], mfa: true });
  return { admin, client: await signIn(api, admin) };
}

/**
 * Signs in an account without MFA and also keeps the raw cookie header, so a test can replay the
 * session after the client dropped it (logout) or pair it with another session's CSRF token.
 */
async function signInKeepingCookies(
  api: TestApi,
  user: TestUser,
): Promise<{ client: Client; cookie: string }> {
  const client = new Client(api.base);
  const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { client, cookie };
}

/** A request carrying exactly the given cookie header and CSRF token, nothing kept. */
async function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { cookie: string; ip: string; csrf?: string },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: options.cookie,
      'x-forwarded-for': options.ip,
      ...(options.csrf && { 'x-csrf-token': options.csrf }),
      ...(method !== 'GET' && { 'content-type': 'application/json' }),
    },
    ...(method !== 'GET' && { body: '{}' }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function latestEvent(api: TestApi, action: string, targetId: string) {
  return api.prisma.auditEvent.findFirst({ where: { action, targetId }, orderBy: { seq: 'desc' } });
}

async function setLastLogin(api: TestApi, userId: string, daysAgo: number): Promise<void> {
  await api.prisma.user.update({
    where: { id: userId },
    data: { lastLoginAt: new Date(Date.now() - daysAgo * DAY_MS) },
  });
}

describe('user administration', () => {
  let api: TestApi;
  /** A second instance of the same deployment (same database and Redis). */
  let other: TestApi;

  beforeAll(async () => {
    [api, other] = await Promise.all([startApi(), startApi()]);
  });
  afterAll(async () => {
    await Promise.all([api?.close(), other?.close()]);
  });

  describe('inviting a user', () => {
    it('answers a one-time password that signs the new user in, who must then choose a password', async () => {
      const { admin, client } = await signedInAdmin(api);
      const email = `invited-${suffix()}@example.test`;

      const invited = await client.post<CreatedUser>('/api/v1/users', {
        email,
        displayName: 'Invited Agent',
        roles: ['agent'],
      });
      expect(invited.status).toBe(201);
      expect(invited.body.user).toMatchObject({
        email,
        roles: ['agent'],
        status: 'active',
        mfaEnabled: false,
      });
      const { oneTimePassword } = invited.body;
      expect(oneTimePassword).toEqual(expect.any(String));

      const newcomer = new Client(api.base);
      const login = await newcomer.post('/api/v1/auth/login', { email, password: oneTimePassword });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ pending: 'password_change', user: { email, roles: ['agent'] } });

      const event = await latestEvent(api, 'user.created', invited.body.user.id);
      expect(event).toMatchObject({ actorId: admin.id, data: { email, roles: ['agent'] } });
      // Not in any column of any audit event.
      const [leaks] = await api.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM audit_events e WHERE strpos(e::text, ${oneTimePassword}) > 0`;
      expect(leaks?.n).toBe(0);
    });

    it('refuses a taken email (409) and an unknown role (400, naming it)', async () => {
      const { client } = await signedInAdmin(api);
      const existing = await createUser(api);

      const duplicate = await client.post<ErrorReply>('/api/v1/users', {
        email: existing.email.toUpperCase(),
        displayName: 'Twin',
        roles: [],
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.code).toBe('users.email_taken');

      const unknownRole = await client.post<ErrorReply>('/api/v1/users', {
        email: `nobody-${suffix()}@example.test`,
        displayName: 'Nobody',
        roles: ['agent', 'no-such-role'],
      });
      expect(unknownRole.status).toBe(400);
      expect(unknownRole.body.error.details).toEqual([
        { path: 'roles', message: 'unknown role "no-such-role"' },
      ]);
    });
  });

  describe('changing roles', () => {
    it('needs a recent MFA confirmation, ends the user’s sessions and records from/to', async () => {
      const { admin, client } = await signedInAdmin(api);
      const target = await createUser(api, { roles: ['agent'] });
      const targetClient = await signIn(api, target);
      const rolesPath = `/api/v1/users/${target.id}/roles`;

      const promoted = await client.request<UserSummary>('PUT', rolesPath, {
        roles: ['agent', 'supervisor'],
      });
      expect(promoted.status).toBe(200);
      expect(promoted.body.roles).toEqual(['agent', 'supervisor']);
      expect((await targetClient.get('/api/v1/auth/me')).status).toBe(401);
      const event = await latestEvent(api, 'user.roles_changed', target.id);
      expect(event).toMatchObject({
        actorId: admin.id,
        data: { from: ['agent'], to: ['agent', 'supervisor'], sessionsEnded: 1 },
      });

      // Ten minutes after the last MFA code, the same change is refused and nothing changes.
      await api.prisma.$executeRaw`
        UPDATE sessions SET mfa_verified_at = now() - interval '10 minutes'
        WHERE user_id = ${admin.id}::uuid AND revoked_at IS NULL`;
      const stale = await client.request<ErrorReply>('PUT', rolesPath, { roles: ['agent'] });
      expect(stale.status).toBe(403);
      expect(stale.body.error.code).toBe('auth.step_up_required');
      expect((await client.get<UserSummary>(`/api/v1/users/${target.id}`)).body.roles).toEqual([
        'agent',
        'supervisor',
      ]);

      await forgetLastTotpStep(api, admin.id);
      const confirmed = await client.post('/api/v1/auth/mfa/verify', {
        code: await totp(admin.totpSecret ?? ''),
      });
      expect(confirmed.status).toBe(200);
      const demoted = await client.request<UserSummary>('PUT', rolesPath, { roles: ['agent'] });
      expect(demoted.status).toBe(200);
      expect(demoted.body.roles).toEqual(['agent']);
    });
  });

  describe('disabling a user', () => {
    it('ends their sessions on every instance at once; they cannot sign in until enabled again', async () => {
      const { client } = await signedInAdmin(api);
      const target = await createUser(api);
      const targetClient = await signIn(api, target);
      expect((await targetClient.get('/api/v1/auth/me')).status).toBe(200);
      expect((await targetClient.on(other.base).get('/api/v1/auth/me')).status).toBe(200);

      const disabled = await client.post<UserSummary>(`/api/v1/users/${target.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body.status).toBe('disabled');
      expect((await targetClient.on(other.base).get('/api/v1/auth/me')).status).toBe(401);
      expect((await targetClient.on(api.base).get('/api/v1/auth/me')).status).toBe(401);

      const refused = await new Client(api.base).post<ErrorReply>('/api/v1/auth/login', {
        email: target.email,
        password: target.password,
      });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('auth.invalid_credentials');

      const enabled = await client.post<UserSummary>(`/api/v1/users/${target.id}/enable`);
      expect(enabled.status).toBe(200);
      expect(enabled.body.status).toBe('active');
      const back = await signIn(api, target);
      expect((await back.get('/api/v1/auth/me')).status).toBe(200);
    });

    it('an admin cannot disable themselves', async () => {
      const { admin, client } = await signedInAdmin(api);
      const self = await client.post<ErrorReply>(`/api/v1/users/${admin.id}/disable`);
      expect(self.status).toBe(409);
      expect(self.body.error.code).toBe('users.cannot_disable_self');
      expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    });
  });

  describe('resetting MFA', () => {
    it('removes the factor and recovery codes and ends sessions; a supervisor must enrol again', async () => {
      const { admin, client } = await signedInAdmin(api);
      const supervisor = await createUser(api, { roles: ['supervisor'], mfa: true });
      const supervisorClient = await signIn(api, supervisor);
      await api.prisma.recoveryCode.createMany({
        data: [1, 2, 3].map((n) => ({ userId: supervisor.id, codeHash: `test-hash-${n}-${suffix()}` })),
      });

      const reset = await client.post<UserSummary>(`/api/v1/users/${supervisor.id}/mfa/reset`);
      expect(reset.status).toBe(200);
      expect(reset.body.mfaEnabled).toBe(false);
      expect((await supervisorClient.get('/api/v1/auth/me')).status).toBe(401);
      expect(await api.prisma.mfaFactor.findUnique({ where: { userId: supervisor.id } })).toBeNull();
      expect(await api.prisma.recoveryCode.count({ where: { userId: supervisor.id } })).toBe(0);
      expect(await latestEvent(api, 'user.mfa_reset', supervisor.id)).toMatchObject({
        actorId: admin.id,
        data: { hadMfa: true, sessionsEnded: 1 },
      });

      const login = await new Client(api.base).post('/api/v1/auth/login', {
        email: supervisor.email,
        password: supervisor.password,
      });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ pending: 'mfa_enrolment' });
    });
  });

  describe('ending sessions', () => {
    it('an admin ends every session of a user', async () => {
      const { client } = await signedInAdmin(api);
      const user = await createUser(api);
      const [first, second] = [await signIn(api, user), await signIn(api, user)];

      const ended = await client.post(`/api/v1/users/${user.id}/sessions/end`);
      expect(ended.status).toBe(200);
      expect(ended.body).toEqual({ ended: 2 });
      expect((await first.get('/api/v1/auth/me')).status).toBe(401);
      expect((await second.get('/api/v1/auth/me')).status).toBe(401);
    });

    it('a user sees their sessions, ends the others, and logs out of the current one', async () => {
      const user = await createUser(api);
      const { client: laptop, cookie: laptopCookie } = await signInKeepingCookies(api, user);
      const phone = await signIn(api, user);

      const listed = await laptop.get<SessionInfo[]>('/api/v1/auth/sessions');
      expect(listed.status).toBe(200);
      expect(listed.body).toHaveLength(2);
      expect(listed.body.filter((s) => s.current)).toHaveLength(1);
      expect(listed.body.map((s) => s.ip).sort()).toEqual([laptop.ip, phone.ip].sort());

      const endOthers = await laptop.post('/api/v1/auth/sessions/end-others');
      expect(endOthers.status).toBe(200);
      expect(endOthers.body).toEqual({ ended: 1 });
      expect((await phone.get('/api/v1/auth/me')).status).toBe(401);
      const remaining = await laptop.get<SessionInfo[]>('/api/v1/auth/sessions');
      expect(remaining.body).toEqual([expect.objectContaining({ current: true, ip: laptop.ip })]);

      expect((await laptop.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await laptop.get('/api/v1/auth/me')).status).toBe(401);
      // Not only forgotten by the browser: the old cookie no longer works either.
      const replayed = await rawRequest(api.base, 'GET', '/api/v1/auth/me', {
        cookie: laptopCookie,
        ip: laptop.ip,
      });
      expect(replayed.status).toBe(401);
    });
  });

  describe('access review', () => {
    it('lists every user with roles, permissions, last sign-in, MFA and dormancy; reading it is audited', async () => {
      const { admin, client } = await signedInAdmin(api);
      const dormant = await createUser(api, { roles: ['agent'] });
      await setLastLogin(api, dormant.id, 200);

      const review = await client.get<AccessReviewEntry[]>('/api/v1/access-review');
      expect(review.status).toBe(200);
      const entryOf = (id: string) => review.body.find((e) => e.id === id);
      expect(entryOf(dormant.id)).toMatchObject({
        email: dormant.email,
        roles: ['agent'],
        permissions: [...BUILT_IN_ROLE_PERMISSIONS.agent].sort(),
        mfaEnabled: false,
        dormant: true,
      });
      const lastLoginAt = Date.parse(entryOf(dormant.id)?.lastLoginAt ?? '');
      expect(Math.round((Date.now() - lastLoginAt) / DAY_MS)).toBe(200);
      expect(entryOf(admin.id)).toMatchObject({
        roles: ['admin'],
        permissions: expect.arrayContaining(['access_review:read', 'user:manage']),
        mfaEnabled: true,
        dormant: false,
        lastLoginAt: expect.any(String),
        status: 'active',
      });

      const audited = await api.prisma.auditEvent.findFirst({
        where: { action: 'access_review.read', actorId: admin.id },
      });
      expect(audited?.data).toEqual({ count: review.body.length });
    });

    it('is not for agents', async () => {
      const agent = await signIn(api, await createUser(api, { roles: ['agent'] }));
      const denied = await agent.get<ErrorReply>('/api/v1/access-review');
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('forbidden');
    });
  });

  describe('dormant accounts job', () => {
    it('disables accounts unused for longer than the dormancy setting, as the system', async () => {
      const dormant = await createUser(api);
      await setLastLogin(api, dormant.id, 200);
      const fresh = await createUser(api);

      const disabled = await api.app.get(UsersService).disableDormant();
      expect(disabled).not.toContain(fresh.id);

      const [dormantNow, freshNow] = await Promise.all([
        api.prisma.user.findUniqueOrThrow({ where: { id: dormant.id } }),
        api.prisma.user.findUniqueOrThrow({ where: { id: fresh.id } }),
      ]);
      expect(dormantNow.status).toBe('disabled');
      expect(freshNow.status).toBe('active');
      expect(await latestEvent(api, 'user.disabled', dormant.id)).toMatchObject({
        actorId: null,
        actorEmail: null,
        data: { reason: 'dormant' },
      });
      const login = await new Client(api.base).post('/api/v1/auth/login', {
        email: dormant.email,
        password: dormant.password,
      });
      expect(login.status).toBe(401);

      // Re-enabled by an admin, the account gets a fresh dormancy period instead of being disabled again.
      const { client } = await signedInAdmin(api);
      expect((await client.post(`/api/v1/users/${dormant.id}/enable`)).status).toBe(200);
      await api.app.get(UsersService).disableDormant();
      expect((await api.prisma.user.findUniqueOrThrow({ where: { id: dormant.id } })).status).toBe('active');
    });
  });

  describe('custom roles', () => {
    it('are built from the listed permissions; built-in roles and roles in use are protected', async () => {
      const { client } = await signedInAdmin(api);
      const permissions = await client.get<string[]>('/api/v1/permissions');
      expect(permissions.status).toBe(200);
      expect(permissions.body).toEqual([...ALL_PERMISSIONS]);

      const name = `qa-lead-${suffix()}`;
      const created = await client.post<Role>('/api/v1/roles', { name, permissions: ['audit:read'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, builtIn: false, permissions: ['audit:read'], userCount: 0 });

      const unknown = await client.post<ErrorReply>('/api/v1/roles', {
        name: `${name}-x`,
        permissions: ['audit:read', 'tickets:fly'],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual([
        { path: 'permissions', message: 'unknown permission "tickets:fly"' },
      ]);

      const roles = await client.get<Role[]>('/api/v1/roles');
      const agentRole = roles.body.find((r) => r.name === 'agent');
      expect(agentRole?.builtIn).toBe(true);
      const edited = await client.request<ErrorReply>('PUT', `/api/v1/roles/${agentRole?.id}`, {
        name: 'agent',
        permissions: ['audit:read'],
      });
      expect(edited.status).toBe(409);
      expect(edited.body.error.code).toBe('roles.built_in');
      const deletedBuiltIn = await client.request<ErrorReply>('DELETE', `/api/v1/roles/${agentRole?.id}`);
      expect(deletedBuiltIn.status).toBe(409);
      expect(deletedBuiltIn.body.error.code).toBe('roles.built_in');

      const qa = await createUser(api, { roles: [] });
      const granted = await client.request<UserSummary>('PUT', `/api/v1/users/${qa.id}/roles`, {
        roles: [name],
      });
      expect(granted.body.roles).toEqual([name]);
      const qaClient = await signIn(api, qa);
      expect((await qaClient.get('/api/v1/audit/events')).status).toBe(200);
      expect((await qaClient.get('/api/v1/users')).status).toBe(403);

      const inUse = await client.request<ErrorReply>('DELETE', `/api/v1/roles/${created.body.id}`);
      expect(inUse.status).toBe(409);
      expect(inUse.body.error.code).toBe('roles.in_use');

      // Once nobody holds it, it can go.
      await client.request('PUT', `/api/v1/users/${qa.id}/roles`, { roles: [] });
      expect((await client.request('DELETE', `/api/v1/roles/${created.body.id}`)).status).toBe(204);
    });
  });

  describe('security settings', () => {
    it('are read and changed by an admin, validated strictly, and each change is audited with from/to', async () => {
      const { admin, client } = await signedInAdmin(api);
      const before = await client.get('/api/v1/settings/security');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ dormantAccountDays: 90, mfaRequiredForAll: false });

      try {
        const changed = await client.request('PATCH', '/api/v1/settings/security', {
          dormantAccountDays: 120,
        });
        expect(changed.status).toBe(200);
        expect(changed.body).toEqual({ ...before.body, dormantAccountDays: 120 });
        expect((await client.get('/api/v1/settings/security')).body).toMatchObject({
          dormantAccountDays: 120,
        });

        const event = await api.prisma.auditEvent.findFirst({
          where: { action: 'settings.updated', actorId: admin.id },
          orderBy: { seq: 'desc' },
        });
        expect(event?.data).toEqual({ dormantAccountDays: { from: 90, to: 120 } });

        const unknown = await client.request<ErrorReply>('PATCH', '/api/v1/settings/security', {
          dormantAccountDays: 100,
          passwordRotationDays: 30,
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.code).toBe('validation_failed');
        expect((await client.get('/api/v1/settings/security')).body).toMatchObject({
          dormantAccountDays: 120,
        });
      } finally {
        const restored = await client.request('PATCH', '/api/v1/settings/security', {
          dormantAccountDays: 90,
        });
        expect(restored.status).toBe(200);
      }
    });
  });

  describe('changing one’s password', () => {
    it('enforces the password policy, checks the current password, and ends the other sessions', async () => {
      const user = await createUser(api);
      const here = await signIn(api, user);
      const elsewhere = await signIn(api, user);
      const change = (currentPassword: string, newPassword: string) =>
        here.post<ErrorReply>('/api/v1/auth/password', { currentPassword, newPassword });
      const problems = (reply: { body: ErrorReply }) => reply.body.error.details ?? [];

      const tooShort = await change(user.password, 'Sh0rt-pw!');
      expect(tooShort.status).toBe(400);
      expect(problems(tooShort)).toEqual([
        { path: 'newPassword', message: 'must be at least 12 characters' },
      ]);

      const common = await change(user.password, 'Password2024!');
      expect(common.status).toBe(400);
      expect(problems(common)).toEqual([
        { path: 'newPassword', message: expect.stringContaining('too common') },
      ]);

      const [local] = user.email.split('@');
      const withEmail = await change(user.password, `${local}-Rocks-2026!`);
      expect(withEmail.status).toBe(400);
      expect(problems(withEmail)).toEqual([
        { path: 'newPassword', message: 'must not contain your email address' },
      ]);

      const newPassword = `tangerine orbit ${suffix()} lantern`;
      const wrongCurrent = await change('not-my-password', newPassword);
      expect(wrongCurrent.status).toBe(400);
      expect(wrongCurrent.body.error.code).toBe('auth.current_password_incorrect');
      expect((await elsewhere.get('/api/v1/auth/me')).status).toBe(200);

      const changed = await change(user.password, newPassword);
      expect(changed.status).toBe(200);
      expect((await here.get('/api/v1/auth/me')).status).toBe(200);
      expect((await elsewhere.get('/api/v1/auth/me')).status).toBe(401);
      await signIn(api, { ...user, password: newPassword });
    });
  });

  describe('CSRF protection', () => {
    it('refuses a state-changing request without the X-CSRF-Token header', async () => {
      const { client } = await signedInAdmin(api);
      const target = await createUser(api);
      const forged = await client.request<ErrorReply>(
        'POST',
        `/api/v1/users/${target.id}/disable`,
        {},
        { csrf: false },
      );
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe('auth.csrf_failed');
      expect((await api.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).status).toBe('active');
    });

    it('refuses the CSRF token of another session', async () => {
      const user = await createUser(api);
      const { client, cookie } = await signInKeepingCookies(api, user);
      const someoneElse = await signIn(api, await createUser(api));
      const path = '/api/v1/auth/sessions/end-others';

      const borrowed = await rawRequest(api.base, 'POST', path, {
        cookie,
        ip: client.ip,
        csrf: someoneElse.csrfToken,
      });
      expect(borrowed.status).toBe(403);
      expect(borrowed.body).toMatchObject({ error: { code: 'auth.csrf_failed' } });

      const own = await rawRequest(api.base, 'POST', path, { cookie, ip: client.ip, csrf: client.csrfToken });
      expect(own.status).toBe(200);
    });
  });
});

/**
 * Other test files create admins in the shared database at any moment, so "the last active admin"
 * is only deterministic in a database of its own (migrated and seeded like production).
 */
describe('the last active admin', () => {
  const runDatabaseUrl = new URL(inject('databaseUrl'));
  const databaseName = `${runDatabaseUrl.pathname.slice(1)}_last_admin`;
  const at = (url: string) => Object.assign(new URL(url), { pathname: `/${databaseName}` }).toString();
  const databaseUrl = at(inject('databaseUrl'));
  const FIRST_ADMIN = 'first-admin@baton.test';
  let api: TestApi;

  /** Runs tools/db/<script> against this database, as the run's global setup does for the shared one. */
  function dbTool(script: string, ...args: string[]) {
    return promisify(execFile)(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['--conditions=@baton/source', join(REPO_ROOT, 'tools', 'db', script), ...args],
      {
        env: {
          ...process.env,
          DATABASE_OWNER_URL: at(inject('databaseOwnerUrl')),
          DATABASE_URL: databaseUrl,
          SEED_ADMIN_EMAIL: FIRST_ADMIN,
        },
      },
    );
  }

  beforeAll(async () => {
    await dbTool('migrate.ts', 'deploy');
    await dbTool('seed.ts');
    api = await startApi({ DATABASE_URL: databaseUrl });
  });
  afterAll(async () => {
    await api?.close();
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('can be neither demoted nor disabled, and is not disabled for dormancy', async () => {
    const { admin, client } = await signedInAdmin(api);
    const firstAdmin = await api.prisma.user.findUniqueOrThrow({
      where: { email: FIRST_ADMIN },
    });
    expect((await client.post(`/api/v1/users/${firstAdmin.id}/disable`)).status).toBe(200);

    // Now the only active admin: giving up the role would leave nobody to administer.
    const demoteSelf = await client.request<ErrorReply>('PUT', `/api/v1/users/${admin.id}/roles`, {
      roles: ['agent'],
    });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.error.code).toBe('users.last_admin');

    // Someone allowed to manage users (but not an admin) cannot disable the last admin either.
    const managerRole = `user-manager-${suffix()}`;
    expect(
      (await client.post('/api/v1/roles', { name: managerRole, permissions: ['user:read', 'user:manage'] }))
        .status,
    ).toBe(201);
    const manager = await createUser(api, { roles: [managerRole], mfa: true });
    const managerClient = await signIn(api, manager);
    const disableAdmin = await managerClient.post<ErrorReply>(`/api/v1/users/${admin.id}/disable`);
    expect(disableAdmin.status).toBe(409);
    expect(disableAdmin.body.error.code).toBe('users.last_admin');

    await setLastLogin(api, admin.id, 200);
    expect(await api.app.get(UsersService).disableDormant()).not.toContain(admin.id);
    expect((await client.get<UserSummary>(`/api/v1/users/${admin.id}`)).body).toMatchObject({
      status: 'active',
      roles: ['admin'],
    });

    // With a second active admin again, the same change goes through.
    expect((await client.post(`/api/v1/users/${firstAdmin.id}/enable`)).status).toBe(200);
    const demoted = await client.request<UserSummary>('PUT', `/api/v1/users/${admin.id}/roles`, {
      roles: ['agent'],
    });
    expect(demoted.status).toBe(200);
    expect(demoted.body.roles).toEqual(['agent']);
  });

  it('survives two admins disabling each other at the same moment: exactly one wins', async () => {
    const a = await createUser(api, { roles: ['admin'], mfa: true });
    const b = await createUser(api, { roles: ['admin'], mfa: true });
    const [clientA, clientB] = [await signIn(api, a), await signIn(api, b)];
    // Leave exactly these two as active admins.
    const others = await api.prisma.user.findMany({
      where: { id: { notIn: [a.id, b.id] }, status: 'active', roles: { some: { role: { name: 'admin' } } } },
    });
    for (const other of others)
      expect((await clientA.post(`/api/v1/users/${other.id}/disable`)).status).toBe(200);

    const replies = await Promise.all([
      clientA.post<ErrorReply>(`/api/v1/users/${b.id}/disable`),
      clientB.post<ErrorReply>(`/api/v1/users/${a.id}/disable`),
    ]);
    // The loser is refused as the last admin, or, if the winner committed first, is already signed out.
    const statuses = replies.map((r) => r.status).sort();
    expect([
      [200, 409],
      [200, 401],
    ]).toContainEqual(statuses);
    expect(
      await api.prisma.user.count({
        where: { status: 'active', roles: { some: { role: { name: 'admin' } } } },
      }),
    ).toBe(1);
  });

  it('can be recovered by the seed when no admin is left: a fresh one-time password, MFA to set up again', async () => {
    const first = await api.prisma.user.findUniqueOrThrow({ where: { email: FIRST_ADMIN } });
    await api.prisma.userRole.deleteMany({ where: { role: { name: 'admin' } } });

    const { stdout } = await dbTool('seed.ts', '--json');
    const seeded = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      admin?: { email: string; oneTimePassword: string };
    };
    expect(seeded.admin?.email).toBe(FIRST_ADMIN);

    const recovered = await api.prisma.user.findUniqueOrThrow({
      where: { id: first.id },
      include: { roles: { include: { role: true } }, mfaFactor: true },
    });
    expect(recovered).toMatchObject({ status: 'active', mustChangePassword: true, mfaFactor: null });
    expect(recovered.roles.map((r) => r.role.name)).toContain('admin');
    const actions = (
      await api.prisma.auditEvent.findMany({
        where: { targetId: first.id, actorId: null },
        orderBy: { seq: 'asc' },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.roles_changed',
        'user.enabled',
        'user.mfa_reset',
        'auth.password_changed',
      ]),
    );

    const login = await new Client(api.base).post('/api/v1/auth/login', {
      email: FIRST_ADMIN,
      password: seeded.admin?.oneTimePassword,
    });
    expect(login.body).toMatchObject({ pending: 'password_change' });
  });
});
