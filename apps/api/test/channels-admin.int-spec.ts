import type { Channel } from '@baton/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelsService } from '../src/modules/channels/channels.service.js';
import {
  useApi,
  createUser,
  forgetLastTotpStep,
  signIn,
  totp,
  type Client,
  type TestUser,
} from './support/api.js';
import { tag } from './factories/names.js';

interface ErrorReply {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const secrets = () => ({
  verifyToken: `verify-${randomBytes(8).toString('hex')}`,
  appSecret: `app-secret-${randomBytes(12).toString('hex')}`,
  accessToken: `EAAG-${randomBytes(24).toString('hex')}`,
});

describe('channels admin API', () => {
  const api = useApi();
  let adminUser: TestUser;
  let admin: Client;

  beforeAll(async () => {
    adminUser = await createUser(api, { roles: ['admin'], mfa: true });
    admin = await signIn(api, adminUser);
  });

  it('creates a WhatsApp channel whose secrets are stored encrypted and never returned or audited', async () => {
    const written = secrets();
    const created = await admin.post<Channel>('/api/v1/channels', {
      kind: 'whatsapp',
      name: `whatsapp-${tag()}`,
      config: { phoneNumberId: '106540352242922' },
      secrets: written,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'whatsapp',
      enabled: true,
      config: { phoneNumberId: '106540352242922' },
      secretsSet: ['accessToken', 'appSecret', 'verifyToken'],
      webhookPath: `/api/v1/channels/${created.body.id}/whatsapp/webhook`,
    });
    const id = created.body.id;
    const listed = await admin.get<Channel[]>('/api/v1/channels');
    const fetched = await admin.get<Channel>(`/api/v1/channels/${id}`);
    expect(listed.body.some((c) => c.id === id)).toBe(true);
    expect(fetched.body).toEqual(created.body);

    const row = await api.prisma.channel.findUniqueOrThrow({ where: { id } });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'channel.created', targetId: id },
    });
    expect(audit).toMatchObject({ actorId: adminUser.id, data: { kind: 'whatsapp' } });
    for (const value of Object.values(written)) {
      for (const text of [
        JSON.stringify(created.body),
        JSON.stringify(listed.body),
        JSON.stringify(row.config),
        row.secretsCiphertext ?? '',
        JSON.stringify(audit.data),
      ]) {
        expect(text).not.toContain(value);
      }
    }
    // Readable by the server itself, for the webhook and for sending.
    expect((await api.app.get(ChannelsService).whatsapp(id))?.secrets).toEqual(written);

    // Rotating one secret keeps the others; the trail names it, never its value.
    const rotated = await admin.request<Channel>('PATCH', `/api/v1/channels/${id}`, {
      kind: 'whatsapp',
      secrets: { accessToken: `EAAG-${randomBytes(24).toString('hex')}` },
      enabled: false,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      enabled: false,
      secretsSet: ['accessToken', 'appSecret', 'verifyToken'],
    });
    const after = await api.app.get(ChannelsService).whatsapp(id);
    expect(after?.secrets.verifyToken).toBe(written.verifyToken);
    expect(after?.secrets.accessToken).not.toBe(written.accessToken);
    const updated = await api.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'channel.updated', targetId: id },
    });
    expect(updated.data).toEqual({ enabled: { from: true, to: false }, secretsChanged: ['accessToken'] });
    expect(JSON.stringify(updated.data)).not.toContain(after?.secrets.accessToken);
  });

  it('answers invalid requests with a 400 that names the field', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'fax', name: 'x', config: {} }, 'kind'],
      [
        { kind: 'webchat', name: `web-${tag()}`, config: { allowedOrigins: ['https://shop.example/'] } },
        'config.allowedOrigins.0',
      ],
      [{ kind: 'whatsapp', name: `wa-${tag()}`, config: { phoneNumberId: '123' } }, 'secrets'],
      [
        { kind: 'api', name: `api-${tag()}`, config: { defaultQueueId: randomUUID() } },
        'config.defaultQueueId',
      ],
    ];
    for (const [body, path] of cases) {
      const reply = await admin.post<ErrorReply>('/api/v1/channels', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.details?.map((d) => d.path)).toContain(path);
    }

    const web = await admin.post<Channel>('/api/v1/channels', {
      kind: 'webchat',
      name: `web-${tag()}`,
      config: { allowedOrigins: ['https://shop.example', 'http://localhost:8080'], greeting: 'Hi!' },
    });
    expect(web.status).toBe(201);
    expect(web.body).toMatchObject({
      secretsSet: [],
      config: { allowedOrigins: ['https://shop.example', 'http://localhost:8080'] },
    });
    const otherKind = await admin.request<ErrorReply>('PATCH', `/api/v1/channels/${web.body.id}`, {
      kind: 'api',
      name: 'renamed',
    });
    expect(otherKind.status).toBe(400);
    const taken = await admin.post<ErrorReply>('/api/v1/channels', {
      kind: 'api',
      name: web.body.name.toUpperCase(),
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('channels.name_taken');
  });

  it('refuses to delete a channel with conversations (disable it instead), deletes an unused one', async () => {
    const used = await admin.post<Channel>('/api/v1/channels', { kind: 'api', name: `api-${tag()}` });
    const contact = await api.prisma.contact.create({ data: { channelId: used.body.id, externalId: tag() } });
    await api.prisma.conversation.create({ data: { channelId: used.body.id, contactId: contact.id } });
    const refused = await admin.request<ErrorReply>('DELETE', `/api/v1/channels/${used.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('channels.in_use');
    expect((await admin.get(`/api/v1/channels/${used.body.id}`)).status).toBe(200);

    const unused = await admin.post<Channel>('/api/v1/channels', { kind: 'api', name: `api-${tag()}` });
    expect((await admin.request('DELETE', `/api/v1/channels/${unused.body.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/channels/${unused.body.id}`)).status).toBe(404);
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'channel.deleted', targetId: unused.body.id } }),
    ).toBe(1);
  });

  it('needs channel:manage, and a fresh MFA confirmation for every write', async () => {
    const agent = await signIn(api, await createUser(api, { roles: ['agent'] }));
    expect((await agent.get('/api/v1/channels')).status).toBe(403);

    const channel = await admin.post<Channel>('/api/v1/channels', { kind: 'api', name: `api-${tag()}` });
    await api.prisma.$executeRaw`
      UPDATE sessions SET mfa_verified_at = now() - interval '10 minutes'
      WHERE user_id = ${adminUser.id}::uuid AND revoked_at IS NULL`;
    expect((await admin.get('/api/v1/channels')).status).toBe(200);
    const writes = [
      await admin.post<ErrorReply>('/api/v1/channels', { kind: 'api', name: `api-${tag()}` }),
      await admin.request<ErrorReply>('PATCH', `/api/v1/channels/${channel.body.id}`, {
        kind: 'api',
        enabled: false,
      }),
      await admin.request<ErrorReply>('DELETE', `/api/v1/channels/${channel.body.id}`),
    ];
    expect(writes.map((w) => [w.status, w.body.error.code])).toEqual(
      Array(3).fill([403, 'auth.step_up_required']),
    );
    expect((await api.prisma.channel.findUniqueOrThrow({ where: { id: channel.body.id } })).enabled).toBe(
      true,
    );

    await forgetLastTotpStep(api, adminUser.id);
    expect(
      (await admin.post('/api/v1/auth/mfa/verify', { code: await totp(adminUser.totpSecret ?? '') })).status,
    ).toBe(200);
    expect((await admin.request('DELETE', `/api/v1/channels/${channel.body.id}`)).status).toBe(204);
  });
});
