import type { Channel, Queue } from '@baton/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { DataEncryptionService } from '../src/common/crypto/data-encryption.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import { THROTTLE_NOTICE } from '../src/modules/channels/whatsapp/whatsapp-inbound.service.js';
import { WhatsappOutboundService } from '../src/modules/channels/whatsapp/whatsapp-outbound.service.js';
import { RedisService } from '../src/redis/redis.service.js';
import { conversationIn, whatsappContact } from './factories/conversations.factory.js';
import { tag } from './factories/names.js';
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
import { startFakeWhatsapp, whatsappNotification, type FakeWhatsapp } from './support/fake-whatsapp.js';
import { drainQueues } from './support/queues.js';
import { capturingLogger, testEnv } from './support/test-env.js';

// Long enough that posting 20 replies fits well inside half a window on a loaded 2-core machine.
const WINDOW_SECONDS = 4;
const WINDOW_MS = WINDOW_SECONDS * 1000;
const OUTBOUND_PER_RECIPIENT = 20;
const INBOUND_PER_SENDER = 5;
const PHONE_NUMBER_ID = '106540352242922';
const VERIFY_TOKEN = `verify-${randomBytes(8).toString('hex')}`;
const APP_SECRET = `app-secret-${randomBytes(12).toString('hex')}`;
const ACCESS_TOKEN = `EAAG-${randomBytes(24).toString('hex')}`;

/** A WhatsApp number of its own for each test, so counts never mix. */
const newPhone = () => `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

function textMessage(from: string, id: string, body: string) {
  return { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } };
}

/** The provider's notification envelope around one change. */
const notification = (value: Record<string, unknown>) => whatsappNotification(PHONE_NUMBER_ID, value);

const inbound = (from: string, messages: unknown[], name = 'Ana Cliente') =>
  notification({ contacts: [{ profile: { name }, wa_id: from }], messages });

describe('WhatsApp channel', () => {
  let fake: FakeWhatsapp;
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let agent: { user: TestUser; client: Client };
  let queue: Queue;
  let channel: Channel;

  beforeAll(async () => {
    fake = await startFakeWhatsapp();
    const overrides = {
      WHATSAPP_API_BASE_URL: fake.url,
      CHANNEL_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      CHANNEL_OUTBOUND_PER_RECIPIENT: String(OUTBOUND_PER_RECIPIENT),
      CHANNEL_INBOUND_PER_SENDER: String(INBOUND_PER_SENDER),
      // Queues of our own: workers of other test files (running at the same time, with the real
      // provider URL) must not pick up these delivery jobs, and ours must not pick up theirs.
      REDIS_PREFIX: `${inject('redisPrefix')}-wa`,
    };
    api = await startApi(overrides);
    worker = await createWorker(testEnv(overrides), capturingLogger('warn').logger);
    await worker.init();

    admin = await signedInAdmin(api);
    const user = await createUser(api, { roles: ['agent'] });
    agent = { user, client: await signIn(api, user) };
    // Lowest priority, nobody available: handoffs of this file's customers wait here, out of other files' way.
    queue = await queueWith(admin, [{ userId: user.id }], { name: `wa-${tag()}`, priority: -100 });

    const reply = await admin.post<Channel>('/api/v1/channels', {
      kind: 'whatsapp',
      name: `whatsapp-${tag()}`,
      config: { phoneNumberId: PHONE_NUMBER_ID, defaultQueueId: queue.id },
      secrets: { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
    });
    expect(reply.status).toBe(201);
    channel = reply.body;
  });

  afterAll(async () => {
    // Let delivery jobs still waiting on a busy recipient finish: the worker stops its BullMQ consumers
    // only after its connections close, so a job caught mid-run holds shutdown until its timeout.
    if (worker) {
      await drainQueues(worker, [QueueName.Outbound], { timeoutMs: 5_000 }).catch(() => undefined);
    }
    await worker?.close();
    await api?.close();
    await fake?.close();
  });

  const webhook = () => `${api.base}/api/v1/channels/${channel.id}/whatsapp/webhook`;

  /** POSTs a notification the way the provider does: JSON bytes signed with the app secret. */
  async function deliver(
    payload: unknown,
    options: { secret?: string; signature?: string | null; raw?: string } = {},
  ): Promise<{ status: number; body: unknown }> {
    const raw = options.raw ?? JSON.stringify(payload);
    const signature =
      options.signature !== undefined
        ? options.signature
        : `sha256=${createHmac('sha256', options.secret ?? APP_SECRET)
            .update(raw)
            .digest('hex')}`;
    const response = await fetch(webhook(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature && { 'x-hub-signature-256': signature }) },
      body: raw,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** A customer on WhatsApp whose conversation the test's agent already holds. */
  async function assignedConversation(phone: string) {
    const contactId = (await whatsappContact(api, channel.id, phone)).id;
    const conversation = await conversationIn(api, 'assigned', {
      channelId: channel.id,
      contactId,
      queueId: queue.id,
      assigneeId: agent.user.id,
    });
    return { conversationId: conversation.id, contactId };
  }

  async function agentReply(conversationId: string, body: string) {
    const reply = await agent.client.post<{ id: string; seq: number }>(
      `/api/v1/conversations/${conversationId}/messages`,
      { body, clientMessageId: `reply-${randomUUID()}` },
    );
    expect(reply.status).toBe(201);
    return reply.body;
  }

  /**
   * Moves the oldest entry of a sliding window (`RateLimiterService.slide`, scored by Redis's clock)
   * `ms` into the past: for that sender, as if that much time had passed since their first message.
   */
  async function ageOldestInWindow(name: string, ms: number): Promise<void> {
    const redis = api.app.get(RedisService);
    const key = `${redis.prefix}:rl:sw:${name}`;
    const [member, score] = await redis.client.zrange(key, '0', '0', 'WITHSCORES');
    // On a slow machine the whole window may have passed already: then there is nothing left to age.
    if (member !== undefined) await redis.client.zadd(key, 'XX', String(Number(score) - ms), member);
  }

  const deliveryAudits = (messageId: string) =>
    api.prisma.auditEvent.findMany({
      where: { action: 'message.delivery_updated', data: { path: ['messageId'], equals: messageId } },
      orderBy: { seq: 'asc' },
    });

  it('answers the verification challenge only to a caller with the right verify token', async () => {
    const challenge = '1158201444';
    const ok = await fetch(
      `${webhook()}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${challenge}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe(challenge);

    const wrong = await fetch(
      `${webhook()}?hub.mode=subscribe&hub.verify_token=not-the-token&hub.challenge=${challenge}`,
    );
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain(challenge);
    const notSubscribe = await fetch(
      `${webhook()}?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${challenge}`,
    );
    expect(notSubscribe.status).toBe(403);

    const audited = await api.prisma.auditEvent.findMany({
      where: { action: 'channel.signature_rejected', targetId: channel.id },
    });
    expect(audited.map((e) => ({ result: e.result, data: e.data }))).toEqual(
      expect.arrayContaining([
        { result: 'denied', data: { check: 'verify_token', reason: 'verify_token_mismatch' } },
        { result: 'denied', data: { check: 'verify_token', reason: 'mode' } },
      ]),
    );
    const unknown = await fetch(
      `${api.base}/api/v1/channels/${randomUUID()}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
    );
    expect(unknown.status).toBe(404);
  });

  it('refuses a delivery with a wrong or missing signature (401), stores nothing and audits it', async () => {
    const phone = newPhone();
    const id = `wamid.bad-${tag()}`;
    const payload = inbound(phone, [textMessage(phone, id, 'hello')]);
    const raw = JSON.stringify(payload);
    const signedOriginal = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;

    expect((await deliver(payload, { secret: 'somebody-elses-secret' })).status).toBe(401);
    expect((await deliver(payload, { signature: null })).status).toBe(401);
    expect((await deliver(payload, { signature: 'sha1=abc' })).status).toBe(401);
    // Signed, then changed on the way: the signature covers the exact bytes.
    const tampered = raw.replace('hello', 'HELLO');
    const refused = await deliver(payload, { raw: tampered, signature: signedOriginal });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'channels.bad_signature' } } });

    expect(await api.prisma.message.count({ where: { externalId: id } })).toBe(0);
    expect(await api.prisma.inboundReceipt.count({ where: { providerMessageId: id } })).toBe(0);
    const reasons = (
      await api.prisma.auditEvent.findMany({
        where: { action: 'channel.signature_rejected', targetId: channel.id, result: 'denied' },
      })
    )
      .map((e) => e.data as { check: string; reason: string })
      .filter((d) => d.check === 'signature')
      .map((d) => d.reason);
    expect(reasons).toEqual(expect.arrayContaining(['mismatch', 'missing', 'malformed']));
    expect(reasons.filter((r) => r === 'mismatch')).toHaveLength(2);
  });

  it('takes in a message delivered twice (even at the same moment) exactly once', async () => {
    const phone = newPhone();
    const textId = `wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQzQUIxRjM4QjlGNzk0QTg0MkY3NwA=-${tag()}`;
    const imageId = `wamid.img-${tag()}`;
    const payload = inbound(phone, [
      textMessage(phone, textId, 'Hola, necesito ayuda con mi pedido'),
      {
        from: phone,
        id: imageId,
        timestamp: '1700000000',
        type: 'image',
        image: { caption: 'mi recibo', mime_type: 'image/jpeg', id: '1234' },
      },
    ]);
    // Pretty-printed on purpose: the signature is checked over the bytes received, not a re-serialisation.
    const raw = JSON.stringify(payload, null, 2);

    const [first, second] = await Promise.all([deliver(payload, { raw }), deliver(payload, { raw })]);
    const third = await deliver(payload, { raw });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);

    const stored = await api.prisma.message.findMany({
      where: { externalId: { in: [textId, imageId] } },
      orderBy: { seq: 'asc' },
    });
    expect(stored.map((m) => ({ externalId: m.externalId, body: m.body, authorKind: m.authorKind }))).toEqual(
      [
        { externalId: textId, body: 'Hola, necesito ayuda con mi pedido', authorKind: 'customer' },
        { externalId: imageId, body: '[image] mi recibo', authorKind: 'customer' },
      ],
    );
    expect(stored.every((m) => (m.clientMessageId?.length ?? 99) <= 64)).toBe(true);
    expect(
      await api.prisma.inboundReceipt.count({ where: { providerMessageId: { in: [textId, imageId] } } }),
    ).toBe(2);

    // One contact, its number and name encrypted at rest and found again by blind index only.
    const crypto = api.app.get(DataEncryptionService);
    const contacts = await api.prisma.contact.findMany({
      where: { channelId: channel.id, phoneBlindIndex: crypto.blindIndex(`+${phone}`, 'contact-phone') },
    });
    expect(contacts).toHaveLength(1);
    const contact = contacts[0]!;
    expect(contact.externalId).not.toContain(phone);
    expect(contact.phoneCiphertext).not.toContain(phone);
    expect(
      crypto.decrypt(
        { ciphertext: contact.phoneCiphertext!, keyId: contact.keyId! },
        `contact-phone:${contact.id}`,
      ),
    ).toBe(`+${phone}`);
    expect(
      crypto.decrypt(
        { ciphertext: contact.nameCiphertext!, keyId: contact.keyId! },
        `contact-name:${contact.id}`,
      ),
    ).toBe('Ana Cliente');
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'contact.created', targetId: contact.id } }),
    ).toBe(1);
    expect(await api.prisma.conversation.count({ where: { contactId: contact.id } })).toBe(1);
  });

  it('delivers 25 replies to one recipient in order — 20 at once, 5 after the window — none lost when the provider fails twice', async () => {
    const phone = newPhone();
    const { conversationId } = await assignedConversation(phone);
    fake.failNext(2);

    const started = Date.now();
    const sent: { id: string }[] = [];
    for (let i = 1; i <= 25; i += 1) sent.push(await agentReply(conversationId, `reply ${i}`));
    // Replying never waits for the window: the held-back ones are sent later, by the worker.
    expect(Date.now() - started).toBeLessThan(WINDOW_MS);

    const delivered = await eventually(
      () => fake.sentTo(phone),
      (list) => list.length >= 25,
      20_000,
    );
    const expected = Array.from({ length: 25 }, (_, i) => `reply ${i + 1}`);
    expect(delivered.map((r) => r.body.text?.body)).toEqual(expected);

    // Every request the provider saw for this number, in arrival order: the first reply failed twice
    // and was retried before anything later went out.
    const seen = fake.requests.filter((r) => r.body.to === phone);
    expect(seen.map((r) => `${r.status} ${r.body.text?.body}`)).toEqual([
      '500 reply 1',
      '500 reply 1',
      ...expected.map((body) => `200 ${body}`),
    ]);
    expect(seen[0]).toMatchObject({
      path: `/v21.0/${PHONE_NUMBER_ID}/messages`,
      authorization: `Bearer ${ACCESS_TOKEN}`,
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, type: 'text' },
    });

    // The window: the first 20 went together; the 21st only once the 1st left the window, and no
    // 21 accepted sends ever fell within one window.
    const at = delivered.map((r) => r.at);
    expect(at[19]! - at[0]!).toBeLessThan(WINDOW_MS / 2);
    expect(at[20]! - at[0]!).toBeGreaterThanOrEqual(WINDOW_MS - 100);
    expect(at[20]! - at[0]!).toBeLessThan(WINDOW_MS + 1_500);
    for (let i = 0; i + OUTBOUND_PER_RECIPIENT < at.length; i += 1) {
      expect(at[i + OUTBOUND_PER_RECIPIENT]! - at[i]!).toBeGreaterThanOrEqual(WINDOW_MS - 100);
    }

    // The provider has the last one a moment before the worker records that it was sent.
    const rows = await eventually(
      () =>
        api.prisma.message.findMany({
          where: { id: { in: sent.map((m) => m.id) } },
          orderBy: { seq: 'asc' },
        }),
      (list) => list.every((m) => m.deliveryStatus === 'sent'),
    );
    expect(rows.map((m) => m.deliveryStatus)).toEqual(Array(25).fill('sent'));
    expect(rows.map((m) => m.externalId)).toEqual(delivered.map((r) => r.id));
    const audits = await api.prisma.auditEvent.count({
      where: {
        action: 'message.delivery_updated',
        targetId: conversationId,
        data: { path: ['to'], equals: 'sent' },
      },
    });
    expect(audits).toBe(25);
  });

  it('refuses a sender over the inbound limit politely: not stored, audited, told once per window', async () => {
    const phone = newPhone();
    const ids = Array.from({ length: INBOUND_PER_SENDER + 3 }, (_, i) => `wamid.flood-${i}-${tag()}`);
    for (const [i, id] of ids.entries()) {
      expect((await deliver(inbound(phone, [textMessage(phone, id, `message ${i + 1}`)]))).status).toBe(200);
    }

    const crypto = api.app.get(DataEncryptionService);
    const contact = await api.prisma.contact.findFirstOrThrow({
      where: { channelId: channel.id, phoneBlindIndex: crypto.blindIndex(`+${phone}`, 'contact-phone') },
    });
    const customerMessages = () =>
      api.prisma.message.findMany({
        where: { conversation: { contactId: contact.id }, authorKind: 'customer' },
        orderBy: { seq: 'asc' },
      });
    expect((await customerMessages()).map((m) => m.body)).toEqual(
      Array.from({ length: INBOUND_PER_SENDER }, (_, i) => `message ${i + 1}`),
    );
    const throttled = await api.prisma.auditEvent.findMany({
      where: { action: 'message.throttled', targetId: contact.id },
      orderBy: { seq: 'asc' },
    });
    expect(throttled).toHaveLength(3);
    expect(throttled.every((e) => e.result === 'denied' && e.actorId === null)).toBe(true);
    expect(throttled.map((e) => (e.data as { providerMessageId: string }).providerMessageId)).toEqual(
      ids.slice(INBOUND_PER_SENDER),
    );

    // A sliding window: once the first message is older than the window, the sender is heard again.
    // Time passes for this sender only: the oldest entry of their window ages by a window.
    await ageOldestInWindow(`wa-in:${channel.id}:${contact.id}`, WINDOW_MS + 1);
    expect(
      (await deliver(inbound(phone, [textMessage(phone, `wamid.later-${tag()}`, 'still there?')]))).status,
    ).toBe(200);
    expect((await customerMessages()).at(-1)?.body).toBe('still there?');

    // One polite answer for the whole burst, sent like any reply (once every delivery queued so far is done).
    await drainQueues(worker, [QueueName.Outbound]);
    expect(fake.sentTo(phone).filter((r) => r.body.text?.body === THROTTLE_NOTICE)).toHaveLength(1);
    expect(
      await api.prisma.message.count({
        where: { conversation: { contactId: contact.id }, authorKind: 'system', body: THROTTLE_NOTICE },
      }),
    ).toBe(1);
  });

  it('records delivery statuses, never moving backwards, and a failure with its error', async () => {
    const phone = newPhone();
    const { conversationId } = await assignedConversation(phone);
    const first = await agentReply(conversationId, 'status one');
    const sentRow = await eventually(
      () => api.prisma.message.findUniqueOrThrow({ where: { id: first.id } }),
      (m) => m.deliveryStatus === 'sent',
      10_000,
    );
    expect(sentRow.deliveryStatus).toBe('sent');
    const wamid = sentRow.externalId!;
    const status = (s: string, extra: Record<string, unknown> = {}) => ({
      id: wamid,
      status: s,
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: phone,
      ...extra,
    });
    expect((await deliver(notification({ statuses: [status('delivered')] }))).status).toBe(200);
    // Read, then a late "delivered" in the same notification: read stays.
    expect((await deliver(notification({ statuses: [status('read'), status('delivered')] }))).status).toBe(
      200,
    );
    expect((await deliver(notification({ statuses: [status('sent')] }))).status).toBe(200);
    expect(await api.prisma.message.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      deliveryStatus: 'read',
    });
    const moves = (await deliveryAudits(first.id)).map((e) => {
      const data = e.data as { from: string; to: string };
      return `${data.from}→${data.to} ${e.actorId ?? 'system'}`;
    });
    expect(moves).toEqual(['pending→sent system', 'sent→delivered system', 'delivered→read system']);

    const second = await agentReply(conversationId, 'status two');
    const secondRow = await eventually(
      () => api.prisma.message.findUniqueOrThrow({ where: { id: second.id } }),
      (m) => m.deliveryStatus === 'sent',
      10_000,
    );
    expect(secondRow.deliveryStatus).toBe('sent');
    const failed = {
      id: secondRow.externalId,
      status: 'failed',
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: phone,
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: { details: 'Message failed to send because more than 24 hours have passed.' },
        },
      ],
    };
    expect(
      (await deliver(notification({ statuses: [failed, { ...status('read'), id: 'wamid.unknown' }] })))
        .status,
    ).toBe(200);
    expect((await api.prisma.message.findUniqueOrThrow({ where: { id: second.id } })).deliveryStatus).toBe(
      'failed',
    );
    const failure = (await deliveryAudits(second.id)).at(-1)!;
    expect(failure).toMatchObject({
      result: 'failed',
      actorId: null,
      data: { from: 'sent', to: 'failed', error: { providerCode: 131047, title: 'Re-engagement message' } },
    });
  });

  it('marks a reply the provider refuses for good as failed, audits it, and still sends the next one', async () => {
    const phone = newPhone();
    const { conversationId } = await assignedConversation(phone);
    fake.failNext(1, 400);
    const doomed = await agentReply(conversationId, 'refused');
    const after = await agentReply(conversationId, 'accepted');
    const next = await eventually(
      () => api.prisma.message.findUniqueOrThrow({ where: { id: after.id } }),
      (m) => m.deliveryStatus === 'sent',
      10_000,
    );
    expect(next.deliveryStatus).toBe('sent');
    expect(
      fake.requests.filter((r) => r.body.to === phone).map((r) => `${r.status} ${r.body.text?.body}`),
    ).toEqual(['400 refused', '200 accepted']);
    expect((await api.prisma.message.findUniqueOrThrow({ where: { id: doomed.id } })).deliveryStatus).toBe(
      'failed',
    );
    expect((await deliveryAudits(doomed.id)).at(-1)).toMatchObject({
      result: 'failed',
      data: { from: 'pending', to: 'failed', error: { status: 400, attempts: 1 } },
    });
  });

  it('delivers, in order, replies whose event or job was lost, once the safety net sweeps', async () => {
    const phone = newPhone();
    const { conversationId } = await assignedConversation(phone);
    // Written behind the services' backs: one reply whose event never ran (never marked), one marked
    // pending whose job never reached Redis. No event, no job: only the sweep can find them.
    await api.prisma.conversation.update({ where: { id: conversationId }, data: { lastSeq: 2 } });
    await api.prisma.message.create({
      data: { conversationId, seq: 1, authorKind: 'bot', kind: 'bot', body: 'lost before marking' },
    });
    await api.prisma.message.create({
      data: {
        conversationId,
        seq: 2,
        authorKind: 'agent',
        kind: 'reply',
        authorUserId: agent.user.id,
        body: 'lost before queueing',
        deliveryStatus: 'pending',
        deliveryUpdatedAt: new Date(),
      },
    });
    // No event, no job: with every queued delivery done, nothing went out for them.
    await drainQueues(worker, [QueueName.Outbound]);
    expect(fake.sentTo(phone)).toHaveLength(0);

    // What the worker's loop does every few seconds, run as if 20 s had passed.
    await worker.get(WhatsappOutboundService).sweep(Date.now() + 20_000);
    const delivered = await eventually(
      () => fake.sentTo(phone),
      (list) => list.length >= 2,
      10_000,
    );
    expect(delivered.map((r) => r.body.text?.body)).toEqual(['lost before marking', 'lost before queueing']);
  });
});
