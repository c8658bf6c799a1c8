import { describe, expect, it } from 'vitest';
import { Client, createUser, useApi } from './support/api.js';

describe('brute-force limits', () => {
  const api = useApi();

  it('throttles 20 wrong passwords from one IP with Retry-After, and audits every attempt', async () => {
    const victim = await createUser(api);
    const attacker = new Client(api.base);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i += 1) {
      const reply = await attacker.post('/api/v1/auth/login', {
        email: victim.email,
        password: `guess-number-${i}`,
      });
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter ??= reply.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);

    // Even the right password waits out the lock from that IP.
    const right = await attacker.post('/api/v1/auth/login', {
      email: victim.email,
      password: victim.password,
    });
    expect(right.status).toBe(429);

    const failed = await api.prisma.auditEvent.count({
      where: { action: 'auth.login_failed', ip: attacker.ip, result: 'failed' },
    });
    const throttled = await api.prisma.auditEvent.count({
      where: { action: 'auth.login_throttled', ip: attacker.ip, result: 'denied' },
    });
    expect([failed, throttled]).toEqual([5, 16]);
  });

  it('does not slow anyone else: other IPs sign in at once, even into the attacked account', async () => {
    const victim = await createUser(api);
    const attacker = new Client(api.base);
    for (let i = 0; i < 20; i += 1) {
      await attacker.post('/api/v1/auth/login', { email: victim.email, password: `guess-number-${i}` });
    }
    const bystander = await createUser(api);
    const started = Date.now();
    const elsewhere = await new Client(api.base).post('/api/v1/auth/login', {
      email: bystander.email,
      password: bystander.password,
    });
    expect(elsewhere.status).toBe(200);
    const owner = await new Client(api.base).post('/api/v1/auth/login', {
      email: victim.email,
      password: victim.password,
    });
    expect(owner.status).toBe(200);
    // Two argon2id verifications and no waiting on any lock.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('limits one IP spraying many accounts', async () => {
    const sprayer = new Client(api.base);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const reply = await sprayer.post('/api/v1/auth/login', {
        email: `nobody-${i}-${Date.now()}@example.test`,
        password: 'a-wrong-password',
      });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('limits MFA guesses per session', async () => {
    const user = await createUser(api, { roles: ['admin'], mfa: true });
    const client = new Client(api.base);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await client.post('/api/v1/auth/mfa/verify', { code: '000000' })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'auth.mfa_throttled', actorId: user.id } }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('limits wrong current passwords on password change', async () => {
    const user = await createUser(api);
    const client = new Client(api.base);
    await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (
          await client.post('/api/v1/auth/password', {
            currentPassword: `not-it-${i}`,
            newPassword: 'a perfectly fine new passphrase',
          })
        ).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('holds under a burst of parallel guesses: no more get checked than the limit allows', async () => {
    const victim = await createUser(api, { roles: ['admin'], mfa: true });
    const attacker = new Client(api.base);
    const logins = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        attacker.post('/api/v1/auth/login', { email: victim.email, password: `parallel-guess-${i}` }),
      ),
    );
    expect(logins.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(logins.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(25);

    const holder = new Client(api.base);
    await holder.post('/api/v1/auth/login', { email: victim.email, password: victim.password });
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        holder.post('/api/v1/auth/mfa/verify', { code: String(100000 + i * 7919).slice(0, 6) }),
      ),
    );
    expect(guesses.filter((r) => r.status === 400).length).toBeLessThanOrEqual(5);
    expect(guesses.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(25);
  });
});
