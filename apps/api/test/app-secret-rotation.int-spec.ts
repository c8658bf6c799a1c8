import type { WidgetSessionResponse } from '@baton/contracts';
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeysService } from '../src/modules/api-keys/api-keys.service.js';
import { VisitorTokenService } from '../src/modules/widget/visitor-token.service.js';
import { createApiKey } from './factories/api-keys.factory.js';
import { createQueue } from './factories/queues.factory.js';
import { tag } from './factories/names.js';
import { signedInAdmin } from './factories/users.factory.js';
import { Client, createUser, startApi, uniqueIp, type TestApi } from './support/api.js';

const SHOP = 'https://shop.example';
const OLD = 'the-app-secret-before-rotation-000000000000';
const NEW = 'the-app-secret-after-rotation-1111111111111';

describe('APP_SECRET rotation', () => {
  const open: TestApi[] = [];
  const start = async (env: NodeJS.ProcessEnv) => {
    await Promise.all(open.splice(0).map((api) => api.close()));
    const api = await startApi(env);
    open.push(api);
    return api;
  };
  afterAll(async () => {
    await Promise.all(open.map((api) => api.close()));
  });

  /** What the widget does on a page of the shop, with the token the browser kept (if any). */
  async function widgetSession(api: TestApi, channelId: string, ip: string, token?: string) {
    const response = await fetch(`${api.base}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP, 'x-forwarded-for': ip },
      body: JSON.stringify({ channelId, ...(token && { token }) }),
    });
    expect(response.status).toBe(200);
    const { token: issued } = (await response.json()) as WidgetSessionResponse;
    return { token: issued, visitor: api.app.get(VisitorTokenService).verify(issued)! };
  }

  it('what the old secret signed keeps working while APP_SECRET_PREVIOUS is set; API keys are re-hashed on use', async () => {
    const before = await start({ APP_SECRET: OLD });
    const channel = await before.prisma.channel.create({
      data: { kind: 'webchat', name: `widget-${tag()}`, config: { allowedOrigins: [SHOP] } },
    });
    const ip = uniqueIp();
    const { token, visitor } = await widgetSession(before, channel.id, ip);
    const admin = await signedInAdmin(before);
    const apiKey = await createApiKey(admin);
    const hashedBefore = (await before.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).keyHash;
    // An MFA user's recovery code, stored as the old secret hashed it at activation.
    const user = await createUser(before, { mfa: true });
    const recoveryHash = createHmac('sha256', OLD).update('recovery:abcdefghij').digest('hex');
    await before.prisma.recoveryCode.create({ data: { userId: user.id, codeHash: recoveryHash } });

    // The new secret, with the old one as previous: nothing made before is lost.
    const during = await start({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD });
    expect((await widgetSession(during, channel.id, ip, token)).visitor).toEqual(visitor);
    // The signed-in admin's session and CSRF token still work for a change; so does a recovery code.
    await createQueue(admin.on(during.base));
    expect(await during.app.get(ApiKeysService).check(apiKey.key)).toMatchObject({ ok: true });
    const recovering = new Client(during.base);
    await recovering.post('/api/v1/auth/login', { email: user.email, password: user.password });
    const recovered = await recovering.post('/api/v1/auth/mfa/recovery', { code: 'abcde-fghij' });
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ pending: null, remainingRecoveryCodes: 0 });
    const hashedAfter = (await during.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).keyHash;
    expect(hashedAfter).not.toBe(hashedBefore);

    // Once the previous secret is removed: the API key, re-hashed, still works; an old visitor token
    // no longer names its visitor (the browser simply starts as a new one).
    const after = await start({ APP_SECRET: NEW });
    expect(await after.app.get(ApiKeysService).check(apiKey.key)).toMatchObject({ ok: true });
    expect((await widgetSession(after, channel.id, ip, token)).visitor.contactId).not.toBe(visitor.contactId);
  });

  it('refuses APP_SECRET_PREVIOUS equal to APP_SECRET', async () => {
    await expect(startApi({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: NEW })).rejects.toThrow(
      'APP_SECRET_PREVIOUS is the same as APP_SECRET: set it to the secret APP_SECRET replaced',
    );
  });
});
