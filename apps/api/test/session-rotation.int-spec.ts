import { AgentServerEvent } from '@baton/contracts';
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useApi, Client, createUser, forgetLastTotpStep, signIn, totp } from './support/api.js';
import { signedInAdmin } from './factories/users.factory.js';
import { ConfigService } from '../src/config/config.service.js';
import { agentSocket, closeSockets, collect, connected } from './support/sockets.js';

/**
 * Every privilege change hands out a new session token and retires the old one, so a token learnt
 * before (planted before sign-in, read from a log) never gains the rights won after it.
 */
describe('session token rotation', () => {
  const api = useApi();
  afterEach(() => closeSockets());

  const sessionCookie = (client: Client) => /baton_session=([^;]+)/.exec(client.cookieHeader())?.[1];

  /** A request that presents only `cookieHeader`, as whoever kept a copy of the old cookie would. */
  async function meWith(cookieHeader: string) {
    const res = await fetch(`${api.base}/api/v1/auth/me`, {
      headers: { cookie: cookieHeader, 'user-agent': 'baton-tests' },
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  }

  async function expectRotated(client: Client, before: string, action: string) {
    const oldToken = /baton_session=([^;]+)/.exec(before)![1]!;
    const newToken = sessionCookie(client);
    expect(newToken).toBeDefined();
    expect(newToken).not.toBe(oldToken);
    const stale = await meWith(before);
    expect(stale.status).toBe(401);
    // Not "signed out elsewhere": the tab that rotated has the new cookie; anyone else just has no session.
    expect(stale.body.error?.code).toBe('unauthenticated');
    const fresh = await client.get<{ pending: string | null; csrfToken: string }>('/api/v1/auth/me');
    expect(fresh.status).toBe(200);
    expect(fresh.body.csrfToken).toBe(client.csrfToken);
    const audited = await api.prisma.auditEvent.findFirst({
      where: { action },
      orderBy: { seq: 'desc' },
    });
    expect(audited?.data).toMatchObject({
      rotatedSession: { from: idPrefix(oldToken), to: idPrefix(newToken!) },
    });
  }

  const idPrefix = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);

  /** The MFA module's keyed hash, so a test can put a known recovery code straight into the table. */
  const recoveryHash = (code: string) =>
    createHmac('sha256', api.app.get(ConfigService).env.APP_SECRET)
      .update(`recovery:${code.replace('-', '').toLowerCase()}`)
      .digest('hex');

  it('when MFA completes sign-in', async () => {
    const user = await createUser(api, { roles: ['agent'], mfa: true });
    const client = new Client(api.base);
    const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(login.body).toMatchObject({ pending: 'mfa_verification' });
    const before = client.cookieHeader();
    const verified = await client.post<{ pending: string | null; csrfToken: string }>(
      '/api/v1/auth/mfa/verify',
      { code: await totp(user.totpSecret!) },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.pending).toBeNull();
    expect(verified.body.csrfToken).toBe(client.csrfToken);
    await expectRotated(client, before, 'auth.mfa_verified');
    // The new session kept what the old one had: it is fully signed in and can act.
    expect((await client.get('/api/v1/auth/sessions')).status).toBe(200);
  });

  it('when a recovery code completes sign-in', async () => {
    const user = await createUser(api, { roles: ['agent'], mfa: true });
    const client = new Client(api.base);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const code = 'abcde-fghij';
    await api.prisma.recoveryCode.create({
      data: { userId: user.id, codeHash: recoveryHash(code) },
    });
    const before = client.cookieHeader();
    const recovered = await client.post('/api/v1/auth/mfa/recovery', { code });
    expect(recovered.status).toBe(200);
    await expectRotated(client, before, 'auth.recovery_code_used');
  });

  it('when a step-up confirmation is given, and the open socket follows with the new cookie', async () => {
    const user = await createUser(api, { roles: ['agent'], mfa: true });
    const client = await signIn(api, user);
    const socket = agentSocket(api, client);
    await connected(socket);
    const ended = collect(socket, AgentServerEvent.SessionEnded);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await forgetLastTotpStep(api, user.id);
    const before = client.cookieHeader();
    const stepUp = await client.post('/api/v1/auth/mfa/verify', { code: await totp(user.totpSecret!) });
    expect(stepUp.status).toBe(200);
    await expectRotated(client, before, 'auth.mfa_verified');
    // The socket opened with the old cookie is closed by the server, without a "session ended" notice,
    // and one opened with the new cookie is accepted.
    expect(await closed).toBe('io server disconnect');
    expect(ended).toEqual([]);
    await connected(agentSocket(api, client));
  });

  it('when the password is changed', async () => {
    const user = await createUser(api, { roles: ['agent'], mfa: true });
    const client = await signIn(api, user);
    const before = client.cookieHeader();
    const changed = await client.post('/api/v1/auth/password', {
      currentPassword: user.password,
      newPassword: 'a brand new passphrase 2026',
    });
    expect(changed.status).toBe(200);
    await expectRotated(client, before, 'auth.password_changed');
  });

  it('when an admin changes their own roles', async () => {
    const admin = await createUser(api, { roles: ['admin'], mfa: true });
    const client = await signIn(api, admin);
    const before = client.cookieHeader();
    const changed = await client.request('PUT', `/api/v1/users/${admin.id}/roles`, {
      roles: ['admin', 'supervisor'],
    });
    expect(changed.status).toBe(200);
    await expectRotated(client, before, 'user.roles_changed');
  });

  it("when an admin changes someone else's roles, that user's sessions end (as before)", async () => {
    const admin = await signedInAdmin(api);
    const user = await createUser(api, { roles: ['agent'], mfa: true });
    const client = await signIn(api, user);
    const changed = await admin.request('PUT', `/api/v1/users/${user.id}/roles`, { roles: ['supervisor'] });
    expect(changed.status).toBe(200);
    const stale = await client.get('/api/v1/auth/me');
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: { code: 'auth.session_ended' } });
  });
});
