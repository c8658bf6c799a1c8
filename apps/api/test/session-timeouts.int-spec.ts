import { describe, expect, it } from 'vitest';
import { createUser, signIn, useApi } from './support/api.js';

describe('session lifetime', () => {
  const api = useApi();

  it('ends a session idle for longer than the idle timeout (30 minutes by default)', async () => {
    const user = await createUser(api);
    const client = await signIn(api, user);
    // Clients learn the timeout, to warn before it.
    const me = await client.get<{ idleTimeoutSeconds: number }>('/api/v1/auth/me');
    expect(me.body.idleTimeoutSeconds).toBe(30 * 60);
    await api.prisma.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: new Date(Date.now() - 29 * 60_000) },
    });
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    await api.prisma.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    const [session] = await api.prisma.session.findMany({ where: { userId: user.id } });
    expect(session).toMatchObject({ revokedReason: 'idle_timeout' });
  });

  it('ends a session older than the absolute lifetime (12 hours by default) however active', async () => {
    const user = await createUser(api);
    const client = await signIn(api, user);
    await api.prisma.session.updateMany({
      where: { userId: user.id },
      data: { createdAt: new Date(Date.now() - 12 * 3_600_000 - 1_000) },
    });
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    const [session] = await api.prisma.session.findMany({ where: { userId: user.id } });
    expect(session).toMatchObject({ revokedReason: 'expired' });
  });

  it('stores only a hash of the session token; the CSRF token in the cookie matches the session', async () => {
    const user = await createUser(api);
    const client = await signIn(api, user);
    const me = await client.get<{ csrfToken: string }>('/api/v1/auth/me');
    expect(me.body.csrfToken).toBe(client.csrfToken);
    const [session] = await api.prisma.session.findMany({ where: { userId: user.id } });
    expect(session?.id).toMatch(/^[0-9a-f]{64}$/);
  });
});
