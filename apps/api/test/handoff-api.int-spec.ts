import type { CreatedApiKey, Queue } from '@baton/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { createApiKey, externalHandoff } from './factories/api-keys.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import {
  createUser,
  eventually,
  signIn,
  startApi,
  type Client,
  type TestApi,
  type TestUser,
} from './support/api.js';
import { agentSocket, ask, closeSockets, connected } from './support/sockets.js';
import { capturingLogger, testEnv } from './support/test-env.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';
import { tag } from './factories/names.js';

describe('external bot handoff API (POST /api/v1/handoff)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let key: CreatedApiKey;
  let queue: Queue;
  let agent: TestUser;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    api = await startApi();
    worker = await createWorker(testEnv(), capturingLogger('warn').logger);
    admin = await signedInAdmin(api);
    agent = await createUser(api, { roles: ['agent'], email: `ana-${tag()}@example.test` });
    queue = await queueWith(admin, [{ userId: agent.id }], { name: `Billing ${tag()}` });
    key = await createApiKey(admin, { webhookUrl: hooks.url });
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([api?.close(), worker?.close()]);
    await hooks?.close();
  });

  const handoff = (body: unknown, options: { key?: string; idempotencyKey?: string | null } = {}) =>
    externalHandoff(api.base, options.key ?? key.key, body, options);

  it('shows the key once, stores only its hash, and needs step-up to create one', async () => {
    expect(key.key).toMatch(/^bk_[a-z0-9]{12}_/);
    expect(key.webhookSecret).toMatch(/^whsec_/);
    const row = await api.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    // The secret is everything after `bk_<prefix>_`; it may itself contain '_' (base64url).
    expect(JSON.stringify(row)).not.toContain(key.key.slice('bk_'.length + 13));
    expect(row.webhookSecretCiphertext).not.toContain(key.webhookSecret!.slice(6));
    const listed = await admin.get<unknown[]>('/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key.key);

    const staleAdmin = await createUser(api, { roles: ['admin'], mfa: true });
    const stale = await signIn(api, staleAdmin);
    const session = await api.prisma.session.findFirstOrThrow({
      where: { userId: staleAdmin.id, revokedAt: null },
    });
    await api.prisma.session.update({
      where: { id: session.id },
      data: { mfaVerifiedAt: new Date(Date.now() - 3_600_000) },
    });
    const refused = await stale.post<{ error: { code: string } }>('/api/v1/api-keys', { name: 'late' });
    expect(refused.body.error.code).toBe('auth.step_up_required');
  });

  it('refuses missing, unknown and revoked keys with 401, audited', async () => {
    expect((await handoff({ queue: queue.name }, { key: 'nope' })).status).toBe(401);
    const doomed = (await admin.post<CreatedApiKey>('/api/v1/api-keys', { name: `doomed-${tag()}` })).body;
    expect((await admin.post(`/api/v1/api-keys/${doomed.id}/revoke`)).status).toBe(200);
    const revoked = await handoff({ queue: queue.name }, { key: doomed.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.code).toBe('unauthenticated');
    const denials = await api.prisma.auditEvent.findMany({
      where: { action: 'access.denied', targetId: 'POST /api/v1/handoff' },
    });
    expect(denials.map((d) => (d.data as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['api_key_malformed', 'api_key_revoked']),
    );
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'api_key.revoked', targetId: doomed.id } }),
    ).toBe(1);
  });

  it('creates a queued case from a Botonic create_case action, idempotently', async () => {
    const idempotencyKey = randomUUID();
    const action = `create_case:${JSON.stringify({
      queue: queue.name,
      note: 'Asked twice about the invoice',
      case_info: 'Invoice 2291 charged twice',
      case_extra_data: { language: 'es', url: 'https://shop.example/invoices/2291' },
      subscribe_helpdesk_events: ['status_changed'],
    })}`;
    const first = await handoff(action, { idempotencyKey });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'waiting', queueId: queue.id, replayed: false });
    const again = await handoff({ _botonic_action: action }, { idempotencyKey });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId: first.body.caseId, replayed: true });

    const conversation = await api.prisma.conversation.findUniqueOrThrow({
      where: { id: first.body.caseId },
    });
    expect(conversation).toMatchObject({
      status: 'queued',
      handoffReason: 'bot_handoff',
      handoffSummary: 'Invoice 2291 charged twice',
    });
    expect(conversation.handoffContext).toMatchObject({
      source: 'api',
      note: 'Asked twice about the invoice',
      language: 'es',
    });
    expect(conversation.firstResponseDueAt === null || conversation.handedOffAt !== null).toBe(true);
    const status = await eventually(
      () => hooks.calls.filter((c) => c.body.case_id === first.body.caseId),
      (calls) => calls.length > 0,
    );
    expect(status[0]!.body).toMatchObject({ event: 'status_changed', status: 'waiting' });

    const missingKey = await handoff({ queue: queue.name }, { idempotencyKey: null });
    expect(missingKey.status).toBe(400);
    const badQueue = await handoff({ queue: 'No such queue' });
    expect(badQueue.status).toBe(400);
    const otherChannel = await api.prisma.channel.create({
      data: { kind: 'api', name: `other-api-${tag()}` },
    });
    const elsewhere = await handoff({ queue: queue.name, channel: otherChannel.name });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error?.code).toBe('handoff.channel_not_allowed');
  });

  it('assigns the requested agent, and on resolve sends the on-finish payload to the signed webhook', async () => {
    const transcript = [
      { author: 'customer', text: 'My card was charged twice' },
      { author: 'bot', text: 'Let me get someone from billing.' },
    ];
    const created = await handoff({
      queue: queue.id,
      agent_email: agent.email,
      on_finish: { payload: 'RATE_US', extra: { order: 2291 } },
      subscribe_helpdesk_events: ['status_changed', 'agent_message_created'],
      contact: { id: `crm-${tag()}`, name: 'Lucía Pérez', email: 'lucia@example.test' },
      transcript,
      reason: 'billing_dispute',
      priority: 2,
    });
    expect(created.status).toBe(201);
    // Forced by default: the agent is offline, yet gets the case.
    expect(created.body).toMatchObject({ status: 'attending', assigneeId: agent.id });
    const caseId = created.body.caseId;

    const contact = await api.prisma.contact.findFirstOrThrow({
      where: { conversations: { some: { id: caseId } } },
    });
    expect(JSON.stringify(contact)).not.toContain('Lucía');
    expect(JSON.stringify(contact)).not.toContain('lucia@example.test');

    const client = await signIn(api, agent);
    const brief = await client.get<{ transcript: { author: string; text: string }[]; reason: string }>(
      `/api/v1/conversations/${caseId}/handoff`,
    );
    expect(brief.body.reason).toBe('billing_dispute');
    expect(brief.body.transcript.map((l) => l.text)).toEqual(transcript.map((l) => l.text));

    const socket = agentSocket(api, client);
    await connected(socket);
    await ask(socket, 'message.send', {
      conversationId: caseId,
      body: 'Refund is on its way.',
      clientMessageId: randomUUID(),
    });
    hooks.failNext(2); // the bot's endpoint is briefly down: retried, not lost
    expect(
      (await client.post(`/api/v1/conversations/${caseId}/resolve`, { resolution: 'result_ok' })).status,
    ).toBe(200);

    const calls = await eventually(
      () => hooks.calls.filter((c) => c.body.case_id === caseId),
      (all) =>
        ['case_finished', 'agent_message_created'].every((event) =>
          all.some((c) => c.body.event === event),
        ) && all.some((c) => c.body.status === 'resolved'),
      15_000,
    );
    const events = calls.map((c) => c.body.event);
    expect(events).toEqual(
      expect.arrayContaining(['status_changed', 'agent_message_created', 'case_finished']),
    );
    const finished = calls.find((c) => c.body.event === 'case_finished')!;
    expect(finished.body).toMatchObject({
      case_id: caseId,
      resolution: 'result_ok',
      on_finish: { payload: 'RATE_US', extra: { order: 2291 } },
    });
    const message = calls.find((c) => c.body.event === 'agent_message_created')!;
    expect(message.body).toMatchObject({ message: { text: 'Refund is on its way.' } });
    expect(calls.filter((c) => c.body.event === 'status_changed').map((c) => c.body.status)).toEqual(
      expect.arrayContaining(['attending', 'resolved']),
    );

    // The signature: HMAC-SHA256 over "<timestamp>.<body>" with the secret shown at creation.
    for (const call of calls) {
      const timestamp = call.headers['x-baton-timestamp'] as string;
      const expected = `v1=${createHmac('sha256', key.webhookSecret!).update(`${timestamp}.${call.raw}`).digest('hex')}`;
      expect(call.headers['x-baton-signature']).toBe(expected);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
    }
  });

  it("relays the customer's next messages into the case, idempotently, and hides other keys' cases", async () => {
    const created = await handoff({ queue: queue.name, contact: { id: `crm-${tag()}` } });
    const caseId = created.body.caseId;
    const send = (apiKey: string, messageId: string) =>
      fetch(`${api.base}/api/v1/handoff/${caseId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Are you still there?', messageId }),
      });
    const messageId = randomUUID();
    expect((await send(key.key, messageId)).status).toBe(201);
    expect((await send(key.key, messageId)).status).toBe(201);
    expect(
      await api.prisma.message.count({ where: { conversationId: caseId, authorKind: 'customer' } }),
    ).toBe(1);

    const other = (await admin.post<CreatedApiKey>('/api/v1/api-keys', { name: `other-${tag()}` })).body;
    expect((await send(other.key, randomUUID())).status).toBe(404);
  });
});
