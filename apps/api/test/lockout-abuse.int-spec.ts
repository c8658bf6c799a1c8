import { describe, expect, it } from 'vitest';
import { Client, createUser, totp, useApi } from './support/api.js';

/**
 * A distributed guesser must not be able to lock the owner out: the browser that signed in before
 * keeps signing in, while unknown clients are throttled.
 */
describe('account lockout cannot be used against the owner', () => {
  const api = useApi();

  /** Wrong passwords from several IPs, 4 each (under the per-IP and per-account+IP limits), until the account-wide limit answers. */
  async function attackFromManyIps(email: string): Promise<number[]> {
    const statuses: number[] = [];
    for (let ipIndex = 0; ipIndex < 6; ipIndex += 1) {
      const attacker = new Client(api.base);
      for (let i = 0; i < 4; i += 1) {
        const reply = await attacker.post('/api/v1/auth/login', { email, password: `spray-${ipIndex}-${i}` });
        statuses.push(reply.status);
      }
    }
    return statuses;
  }

  it('lets the owner in from a known browser during an attack, while unknown clients get 429', async () => {
    const owner = await createUser(api);
    const browser = new Client(api.base);
    expect(
      (await browser.post('/api/v1/auth/login', { email: owner.email, password: owner.password })).status,
    ).toBe(200);
    expect((await browser.post('/api/v1/auth/logout', {})).status).toBe(204);

    const statuses = await attackFromManyIps(owner.email);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);

    const stranger = new Client(api.base);
    const refused = await stranger.post('/api/v1/auth/login', {
      email: owner.email,
      password: owner.password,
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const again = await browser.post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    expect(again.status).toBe(200);
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'auth.login_throttled', ip: stranger.ip } }),
    ).toBe(1);
  });

  it('still limits wrong passwords from a known browser, per browser', async () => {
    const owner = await createUser(api);
    const browser = new Client(api.base);
    await browser.post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    await browser.post('/api/v1/auth/logout', {});
    await attackFromManyIps(owner.email);

    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (await browser.post('/api/v1/auth/login', { email: owner.email, password: `typo-${i}` })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const right = await browser.post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    expect(right.status).toBe(429);
  });

  it('gives no exemption for a browser known to another account, and holds the per-IP limit across accounts', async () => {
    const mine = await createUser(api);
    const browser = new Client(api.base);
    await browser.post('/api/v1/auth/login', { email: mine.email, password: mine.password });
    await browser.post('/api/v1/auth/logout', {});
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const other = await createUser(api);
      statuses.push(
        (await browser.post('/api/v1/auth/login', { email: other.email, password: 'a-wrong-password' }))
          .status,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('issues the device cookie only after MFA, HttpOnly and SameSite=Strict', async () => {
    const user = await createUser(api, { roles: ['admin'], mfa: true });
    const client = new Client(api.base);
    const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(login.headers.getSetCookie().some((c) => c.startsWith('baton_device='))).toBe(false);
    const verified = await client.post('/api/v1/auth/mfa/verify', { code: await totp(user.totpSecret!) });
    expect(verified.status).toBe(200);
    const device = verified.headers.getSetCookie().find((c) => c.startsWith('baton_device='));
    expect(device).toMatch(/HttpOnly/i);
    expect(device).toMatch(/SameSite=Strict/i);
  });
});
