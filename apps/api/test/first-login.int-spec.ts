import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, totp, useApi } from './support/api.js';
import { TEST_SECRETS } from './support/test-secrets.js';

/** Codes from Debian's oathtool: an RFC 6238 implementation independent of ours. */
function oathtool(secret: string, offsetSeconds = 0): string {
  const args = ['--totp', '-b', secret];
  if (offsetSeconds) args.push('-N', `now ${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds} seconds`);
  const run = spawnSync('oathtool', args, { encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`oathtool failed (is the oathtool package installed?): ${run.stderr}`);
  return run.stdout.trim();
}

describe('first sign-in of the seeded admin', () => {
  const api = useApi();
  const admin = inject('seededAdmin');
  const newPassword = 'correct horse battery staple 42';
  let client: Client;
  let secret: string;
  let recoveryCodes: string[];

  beforeAll(() => {
    client = new Client(api.base);
  });

  it('signs in with the one-time password and must change it before anything else', async () => {
    const login = await client.post('/api/v1/auth/login', {
      email: admin.email,
      password: admin.oneTimePassword,
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      pending: 'password_change',
      user: { email: admin.email, roles: ['admin'] },
    });
    expect(login.headers.getSetCookie().join('\n')).toMatch(
      /baton_session=[^;]+;.*HttpOnly.*SameSite=Strict/i,
    );

    const blocked = await client.get('/api/v1/users');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ error: { code: 'auth.password_change_required' } });
  });

  it('refuses a weak new password and explains why', async () => {
    const weak = await client.post('/api/v1/auth/password', {
      currentPassword: admin.oneTimePassword,
      newPassword: 'Password2024!',
    });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toContain('too common');
    const withEmail = await client.post('/api/v1/auth/password', {
      currentPassword: admin.oneTimePassword,
      newPassword: `${admin.email.split('@')[0]}-is-me-2026`,
    });
    expect(JSON.stringify(withEmail.body)).toContain('must not contain your email');
  });

  it('after the change, must enrol MFA; the code from oathtool activates it', async () => {
    const changed = await client.post('/api/v1/auth/password', {
      currentPassword: admin.oneTimePassword,
      newPassword,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ pending: 'mfa_enrolment' });
    expect((await client.get('/api/v1/users')).body).toMatchObject({
      error: { code: 'auth.mfa_enrolment_required' },
    });

    const enrolment = await client.post<{ secret: string; otpauthUri: string }>('/api/v1/auth/mfa/enrolment');
    expect(enrolment.status).toBe(200);
    secret = enrolment.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Baton:admin%40baton\.test\?.*secret=/);

    const activation = await client.post<{ recoveryCodes: string[]; session: { pending: null } }>(
      '/api/v1/auth/mfa/activation',
      { code: oathtool(secret) },
    );
    expect(activation.status).toBe(200);
    recoveryCodes = activation.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(activation.body.session.pending).toBeNull();

    const stored = await api.prisma.mfaFactor.findFirstOrThrow({ where: { user: { email: admin.email } } });
    expect(stored.secretCiphertext).not.toContain(secret);
    // Sealed under the first configured data key (the suite's own), whose id is stored beside it.
    expect(stored.keyId).toBe(TEST_SECRETS.DATA_ENCRYPTION_KEYS.split(':')[0]);
    const hashes = await api.prisma.recoveryCode.findMany({ where: { user: { email: admin.email } } });
    expect(hashes.map((h) => h.codeHash)).not.toContain(recoveryCodes[0]);
  });

  it('now has full access', async () => {
    const users = await client.get<unknown[]>('/api/v1/users');
    expect(users.status).toBe(200);
    expect(Array.isArray(users.body)).toBe(true);
  });

  it('signs in again with a code from the next time step (clock drift), and a replayed code is refused', async () => {
    const again = new Client(api.base);
    const login = await again.post('/api/v1/auth/login', { email: admin.email, password: newPassword });
    expect(login.body).toMatchObject({ pending: 'mfa_verification' });
    expect((await again.get('/api/v1/users')).status).toBe(403);

    const code = oathtool(secret, 30);
    expect((await again.post('/api/v1/auth/mfa/verify', { code })).status).toBe(200);

    const third = new Client(api.base);
    await third.post('/api/v1/auth/login', { email: admin.email, password: newPassword });
    const replay = await third.post('/api/v1/auth/mfa/verify', { code });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: { code: 'mfa.invalid_code' } });
    const audited = await api.prisma.auditEvent.findFirst({
      where: { action: 'auth.mfa_failed', actorEmail: admin.email },
      orderBy: { seq: 'desc' },
    });
    expect(audited?.data).toMatchObject({ reason: 'replayed' });

    // An older code (the current step, before the one just used) is refused as well.
    expect((await third.post('/api/v1/auth/mfa/verify', { code: await totp(secret) })).status).toBe(400);
  });

  it('accepts a recovery code exactly once', async () => {
    const first = new Client(api.base);
    await first.post('/api/v1/auth/login', { email: admin.email, password: newPassword });
    const used = await first.post('/api/v1/auth/mfa/recovery', { code: recoveryCodes[3] });
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ pending: null, remainingRecoveryCodes: 9 });

    const second = new Client(api.base);
    await second.post('/api/v1/auth/login', { email: admin.email, password: newPassword });
    const reused = await second.post('/api/v1/auth/mfa/recovery', { code: recoveryCodes[3] });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: { code: 'mfa.invalid_recovery_code' } });
  });

  it('recorded the whole journey in the audit trail, without secrets', async () => {
    const events = await api.prisma.auditEvent.findMany({
      where: { OR: [{ actorEmail: admin.email }, { data: { path: ['email'], equals: admin.email } }] },
      orderBy: { seq: 'asc' },
    });
    const actions = events.map((e) => e.action);
    for (const action of [
      'user.created',
      'auth.login_succeeded',
      'auth.password_changed',
      'auth.mfa_enrolment_started',
      'auth.mfa_activated',
      'auth.mfa_verified',
      'auth.mfa_failed',
      'auth.recovery_code_used',
    ]) {
      expect(actions).toContain(action);
    }
    const text = JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toContain(admin.oneTimePassword);
    expect(text).not.toContain(newPassword);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(recoveryCodes[3]);
  });
});
