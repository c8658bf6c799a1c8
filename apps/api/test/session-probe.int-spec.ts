import type { SessionProbe } from '@baton/contracts';
import { describe, expect, it } from 'vitest';
import { Client, createUser, signIn, useApi } from './support/api.js';
import { signedInAdmin } from './factories/users.factory.js';

/** The SPA's first request on every load: it answers 200 whether or not anyone is signed in. */
describe('GET /auth/session', () => {
  const api = useApi();

  it('answers no session for a visitor, while the rest still refuses them', async () => {
    const visitor = new Client(api.base);
    const probe = await visitor.get<SessionProbe>('/api/v1/auth/session');
    expect(probe.status).toBe(200);
    expect(probe.body).toEqual({ session: null, ended: null });
    expect((await visitor.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('answers the session state of a signed-in user, and none again after sign-out', async () => {
    const user = await createUser(api, { roles: ['agent'] });
    const client = await signIn(api, user);
    const probe = await client.get<SessionProbe>('/api/v1/auth/session');
    expect(probe.status).toBe(200);
    expect(probe.body.session?.user.email).toBe(user.email);
    expect(probe.body.session?.pending).toBeNull();
    expect(probe.body.session?.csrfToken).toBe(client.csrfToken);

    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    // Signing out clears the cookie: this tab is simply signed out.
    expect((await client.get<SessionProbe>('/api/v1/auth/session')).body).toEqual({
      session: null,
      ended: null,
    });
  });

  it('tells a reloaded tab why its session ended', async () => {
    const user = await createUser(api, { roles: ['agent'] });
    const client = await signIn(api, user);
    const admin = await signedInAdmin(api);
    expect((await admin.post(`/api/v1/users/${user.id}/disable`)).status).toBe(200);
    expect((await client.get<SessionProbe>('/api/v1/auth/session')).body).toEqual({
      session: null,
      ended: { reason: 'user_disabled', message: 'Your account was disabled by an administrator.' },
    });
  });
});
