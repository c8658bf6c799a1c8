import {
  AgentServerEvent,
  CustomerServerEvent,
  ZCannedResponse,
  ZConversationCustomer,
  ZMessage,
  ZMessageDeliveryChanged,
  ZSupervisorHistory,
  type CannedResponse,
  type Channel,
  type Conversation,
  type ConversationCustomer,
  type Message,
  type MessageDeliveryChanged,
  type Queue,
  type SupervisorHistory,
} from '@baton/contracts';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataEncryptionService } from '../src/common/crypto/data-encryption.service.js';
import { WhatsappDeliveryService } from '../src/modules/channels/whatsapp/whatsapp-delivery.service.js';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';
import { DomainEventsService } from '../src/modules/events/domain-events.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { conversationIn, visitor, whatsappContact } from './factories/conversations.factory.js';
import { tag } from './factories/names.js';
import { queueWith } from './factories/queues.factory.js';
import { createUser, eventually, signIn, startApi, type Client, type TestApi } from './support/api.js';
import { startFakeWhatsapp, whatsappNotification, type FakeWhatsapp } from './support/fake-whatsapp.js';
import { agentSocket, closeSockets, collect, connected, customerSocket, waitFor } from './support/sockets.js';

const PHONE_NUMBER_ID = `1${String(Math.floor(Math.random() * 1e14)).padStart(14, '0')}`;
const APP_SECRET = `app-secret-${randomBytes(12).toString('hex')}`;

describe('server support for the staff app', () => {
  let fake: FakeWhatsapp;
  let api: TestApi;
  let admin: Client;
  let supervisor: Client;
  let supervisorId: string;
  let agent: Client;
  let agentId: string;
  /** An agent of no queue of this file. */
  let outsider: Client;
  let webchatId: string;

  beforeAll(async () => {
    fake = await startFakeWhatsapp();
    // No worker runs for this file: deliveries are driven by hand, and this file's Redis prefix keeps
    // other files' workers away from its delivery jobs.
    api = await startApi({ WHATSAPP_API_BASE_URL: fake.url });
    const [adminUser, supervisorUser, agentUser, outsiderUser] = await Promise.all([
      createUser(api, { roles: ['admin'], mfa: true }),
      createUser(api, { roles: ['supervisor'], mfa: true }),
      createUser(api, { roles: ['agent'] }),
      createUser(api, { roles: ['agent'] }),
    ]);
    [admin, supervisor, agent, outsider] = await Promise.all([
      signIn(api, adminUser),
      signIn(api, supervisorUser),
      signIn(api, agentUser),
      signIn(api, outsiderUser),
    ]);
    supervisorId = supervisorUser.id;
    agentId = agentUser.id;
    webchatId = (await webchatChannel(api)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  /** A queue nobody is available in (so handoffs wait), with the file's agent as a member. */
  const queue = (settings: Record<string, unknown> = {}): Promise<Queue> =>
    queueWith(admin, [{ userId: agentId }], { priority: -100, ...settings });

  async function handedOff(
    queueId: string,
    contactId?: string,
    context?: Record<string, unknown>,
  ): Promise<Conversation> {
    const created = await conversationIn(api, 'bot', { channelId: webchatId, contactId });
    return api.app.get(ConversationsService).handoff(created.id, {
      queueId,
      reason: 'customer_asked',
      ...(context && { context }),
    });
  }

  describe('canned responses', () => {
    const shortcut = () => `t-${tag()}`;

    it('lets a supervisor create, edit and delete them, agents read them, each change audited', async () => {
      const first = shortcut();
      const created = await supervisor.post<CannedResponse>('/api/v1/canned-responses', {
        shortcut: first.toUpperCase(),
        title: 'Greeting',
        body: 'Hi! How can I help?',
      });
      expect(created.status).toBe(201);
      expect(ZCannedResponse.parse(created.body)).toEqual(created.body);
      expect(created.body).toMatchObject({ shortcut: first, title: 'Greeting', body: 'Hi! How can I help?' });
      const second = await supervisor.post<CannedResponse>('/api/v1/canned-responses', {
        shortcut: `a${first}`,
        title: 'Another',
        body: 'Another reply.',
      });
      expect(second.status).toBe(201);

      const listed = await agent.get<CannedResponse[]>('/api/v1/canned-responses');
      expect(listed.status).toBe(200);
      const shortcuts = listed.body.map((c) => c.shortcut);
      expect(shortcuts).toEqual([...shortcuts].sort());
      expect(shortcuts).toEqual(expect.arrayContaining([first, `a${first}`]));

      const edited = await supervisor.request<CannedResponse>(
        'PUT',
        `/api/v1/canned-responses/${created.body.id}`,
        { shortcut: first, title: 'Greeting', body: 'Hello there! How can I help?' },
      );
      expect(edited.status).toBe(200);
      expect(edited.body.body).toBe('Hello there! How can I help?');
      expect(Date.parse(edited.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));

      expect((await supervisor.request('DELETE', `/api/v1/canned-responses/${second.body.id}`)).status).toBe(
        204,
      );
      expect((await supervisor.request('DELETE', `/api/v1/canned-responses/${second.body.id}`)).status).toBe(
        404,
      );
      const after = await agent.get<CannedResponse[]>('/api/v1/canned-responses');
      expect(after.body.map((c) => c.id)).toContain(created.body.id);
      expect(after.body.map((c) => c.id)).not.toContain(second.body.id);

      const audited = await api.prisma.auditEvent.findMany({
        where: { targetType: 'canned_response', targetId: { in: [created.body.id, second.body.id] } },
        orderBy: { seq: 'asc' },
      });
      expect(
        audited.map((e) => `${e.action} ${e.targetId === created.body.id ? 'first' : 'second'}`),
      ).toEqual([
        'canned_response.created first',
        'canned_response.created second',
        'canned_response.updated first',
        'canned_response.deleted second',
      ]);
      expect(audited.every((e) => e.actorId === supervisorId)).toBe(true);
      expect(audited[2]!.data).toMatchObject({ changed: ['body'] });
    });

    it('refuses a shortcut already taken with a 409, also when renaming', async () => {
      const taken = shortcut();
      const original = await supervisor.post<CannedResponse>('/api/v1/canned-responses', {
        shortcut: taken,
        title: 'Original',
        body: 'First.',
      });
      expect(original.status).toBe(201);
      const duplicate = await admin.post('/api/v1/canned-responses', {
        shortcut: ` ${taken.toUpperCase()} `,
        title: 'Copy',
        body: 'Second.',
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ error: { code: 'canned_responses.shortcut_taken' } });

      const other = await supervisor.post<CannedResponse>('/api/v1/canned-responses', {
        shortcut: shortcut(),
        title: 'Other',
        body: 'Other.',
      });
      const renamed = await supervisor.request('PUT', `/api/v1/canned-responses/${other.body.id}`, {
        shortcut: taken,
        title: 'Other',
        body: 'Other.',
      });
      expect(renamed.status).toBe(409);
      expect(renamed.body).toMatchObject({ error: { code: 'canned_responses.shortcut_taken' } });
      expect(await api.prisma.cannedResponse.count({ where: { shortcut: taken } })).toBe(1);
    });

    it('keeps agents to reading, and checks the shortcut and body', async () => {
      const attempt = await agent.post('/api/v1/canned-responses', {
        shortcut: shortcut(),
        title: 'Mine',
        body: 'Not allowed.',
      });
      expect(attempt.status).toBe(403);
      const denied = await api.prisma.auditEvent.findMany({
        where: { action: 'access.denied', actorId: agentId, targetType: 'route' },
      });
      expect(denied.map((e) => e.targetId)).toContain('POST /api/v1/canned-responses');
      for (const bad of [
        { shortcut: 'has space', title: 'x', body: 'x' },
        { shortcut: '/slash', title: 'x', body: 'x' },
        { shortcut: 'x'.repeat(33), title: 'x', body: 'x' },
        { shortcut: shortcut(), title: 'x', body: 'x'.repeat(5_001) },
      ]) {
        expect((await supervisor.post('/api/v1/canned-responses', bad)).status).toBe(400);
      }
    });
  });

  describe('customer details', () => {
    it('shows a visible conversation’s customer decrypted, with their history, and audits the read', async () => {
      const q = await queue();
      const crypto = api.app.get(DataEncryptionService);
      const contactId = randomUUID();
      const seal = (field: string, value: string) => crypto.encrypt(value, `contact-${field}:${contactId}`);
      const name = seal('name', 'Ana Cliente');
      await api.prisma.contact.create({
        data: {
          id: contactId,
          channelId: webchatId,
          externalId: randomUUID(),
          nameCiphertext: name.ciphertext,
          emailCiphertext: seal('email', 'ana@example.test').ciphertext,
          phoneCiphertext: seal('phone', '+34600111222').ciphertext,
          keyId: name.keyId,
        },
      });
      await api.prisma.conversation.createMany({
        data: [
          { channelId: webchatId, contactId, status: 'closed' },
          { channelId: webchatId, contactId, status: 'closed' },
        ],
      });
      const conversation = await handedOff(q.id, contactId, { source: 'bot', language: 'es' });

      const reply = await agent.get<ConversationCustomer>(
        `/api/v1/conversations/${conversation.id}/customer`,
      );
      expect(reply.status).toBe(200);
      expect(ZConversationCustomer.parse(reply.body)).toEqual(reply.body);
      const contact = await api.prisma.contact.findUniqueOrThrow({ where: { id: contactId } });
      expect(reply.body).toEqual({
        contactId,
        name: 'Ana Cliente',
        email: 'ana@example.test',
        phone: '+34600111222',
        channel: { id: webchatId, name: expect.any(String), kind: 'webchat' },
        previousConversations: 2,
        firstSeenAt: contact.createdAt.toISOString(),
        context: { source: 'bot', language: 'es' },
      });

      const audited = await api.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'conversation.customer_viewed', targetId: conversation.id },
      });
      expect(audited).toMatchObject({
        actorId: agentId,
        targetType: 'conversation',
        result: 'success',
        data: { contactId, fields: ['name', 'email', 'phone'] },
      });
      // The trail says what was revealed, never the values.
      expect(JSON.stringify(audited.data)).not.toContain('Ana');
    });

    it('answers 404 for a conversation the agent cannot see and 403 without conversation:read', async () => {
      const q = await queue();
      const conversation = await handedOff(q.id);
      const hidden = await outsider.get(`/api/v1/conversations/${conversation.id}/customer`);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: { code: 'not_found' } });
      expect((await outsider.get(`/api/v1/conversations/${randomUUID()}/customer`)).status).toBe(404);
      // Admins administer; they do not read conversations.
      expect((await admin.get(`/api/v1/conversations/${conversation.id}/customer`)).status).toBe(403);
      expect(
        await api.prisma.auditEvent.count({
          where: { action: 'conversation.customer_viewed', targetId: conversation.id },
        }),
      ).toBe(0);
      expect(
        await api.prisma.auditEvent.count({
          where: {
            action: 'access.denied',
            targetId: conversation.id,
            data: { path: ['status'], equals: 404 },
          },
        }),
      ).toBe(1);
    });
  });

  describe('message delivery state', () => {
    let channel: Channel;

    beforeAll(async () => {
      const q = await queue();
      const created = await admin.post<Channel>('/api/v1/channels', {
        kind: 'whatsapp',
        name: `whatsapp-${tag()}`,
        config: { phoneNumberId: PHONE_NUMBER_ID, defaultQueueId: q.id },
        secrets: {
          verifyToken: `verify-${tag()}`,
          appSecret: APP_SECRET,
          accessToken: `EAAG-${randomBytes(24).toString('hex')}`,
        },
      });
      expect(created.status).toBe(201);
      channel = created.body;
    });

    /** A WhatsApp customer whose conversation the file's agent holds. */
    async function whatsappConversation(phone: string): Promise<string> {
      const contact = await whatsappContact(api, channel.id, phone);
      const conversation = await conversationIn(api, 'assigned', {
        channelId: channel.id,
        contactId: contact.id,
        assigneeId: agentId,
      });
      return conversation.id;
    }

    async function statusWebhook(wamid: string, phone: string, status: string): Promise<number> {
      const raw = JSON.stringify(
        whatsappNotification(PHONE_NUMBER_ID, {
          statuses: [
            { id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: phone },
          ],
        }),
      );
      const signature = createHmac('sha256', APP_SECRET).update(raw).digest('hex');
      const response = await fetch(`${api.base}/api/v1/channels/${channel.id}/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
        body: raw,
      });
      return response.status;
    }

    const messagesOf = async (conversationId: string) => {
      const reply = await agent.get<Message[]>(`/api/v1/conversations/${conversationId}/messages`);
      expect(reply.status).toBe(200);
      return reply.body;
    };

    it('is null on messages nothing delivers through a provider', async () => {
      const q = await queue();
      const conversation = await handedOff(q.id);
      await api.prisma.message.create({
        data: {
          conversationId: conversation.id,
          seq: conversation.lastSeq + 1,
          authorKind: 'customer',
          kind: 'customer',
          body: 'hi',
        },
      });
      const messages = await messagesOf(conversation.id);
      expect(messages).toHaveLength(1);
      expect(ZMessage.parse(messages[0])).toEqual(messages[0]);
      expect(messages[0]!.deliveryStatus).toBeNull();
    });

    it('follows a WhatsApp reply from pending to delivered, live on the agent socket', async () => {
      const phone = `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      const conversationId = await whatsappConversation(phone);
      const socket = agentSocket(api, agent);
      await connected(socket);
      const changes = collect<MessageDeliveryChanged>(socket, AgentServerEvent.MessageDeliveryChanged);

      const sent = await agent.post<Message>(`/api/v1/conversations/${conversationId}/messages`, {
        body: 'Your order ships today.',
        clientMessageId: `reply-${randomUUID()}`,
      });
      expect(sent.status).toBe(201);
      const pending = await eventually(
        () => messagesOf(conversationId),
        (list) => list[0]?.deliveryStatus === 'pending',
      );
      expect(pending.map((m) => m.deliveryStatus)).toEqual(['pending']);

      const toldSent = waitFor<MessageDeliveryChanged>(
        socket,
        AgentServerEvent.MessageDeliveryChanged,
        (e) => e.messageId === sent.body.id && e.deliveryStatus === 'sent',
      );
      // What the worker's delivery job does: send the recipient's oldest pending reply.
      expect(await api.app.get(WhatsappDeliveryService).drain(sent.body.id)).toEqual({ status: 'done' });
      expect(fake.sentTo(phone).map((r) => r.body.text?.body)).toEqual(['Your order ships today.']);
      const sentEvent = await toldSent;
      expect(sentEvent).toEqual({
        conversationId,
        messageId: sent.body.id,
        seq: sent.body.seq,
        deliveryStatus: 'sent',
      });
      expect(ZMessageDeliveryChanged.parse(sentEvent)).toEqual(sentEvent);
      expect((await messagesOf(conversationId))[0]!.deliveryStatus).toBe('sent');

      const { externalId } = await api.prisma.message.findUniqueOrThrow({ where: { id: sent.body.id } });
      const delivered = waitFor<MessageDeliveryChanged>(
        socket,
        AgentServerEvent.MessageDeliveryChanged,
        (e) => e.messageId === sent.body.id && e.deliveryStatus === 'delivered',
      );
      expect(await statusWebhook(externalId!, phone, 'delivered')).toBe(200);
      expect(await delivered).toMatchObject({ conversationId, seq: sent.body.seq });
      expect((await messagesOf(conversationId))[0]!.deliveryStatus).toBe('delivered');

      // A late "sent" changes nothing, so nobody is told anything: the "read" after it arrives next.
      expect(await statusWebhook(externalId!, phone, 'sent')).toBe(200);
      const read = waitFor<MessageDeliveryChanged>(
        socket,
        AgentServerEvent.MessageDeliveryChanged,
        (e) => e.messageId === sent.body.id && e.deliveryStatus === 'read',
      );
      expect(await statusWebhook(externalId!, phone, 'read')).toBe(200);
      await read;
      expect(changes.filter((e) => e.messageId === sent.body.id).map((e) => e.deliveryStatus)).toEqual([
        'sent',
        'delivered',
        'read',
      ]);
    });

    it('never tells the customer', async () => {
      const { contact, token } = await visitor(api, webchatId);
      const conversation = await conversationIn(api, 'assigned', {
        channelId: webchatId,
        contactId: contact.id,
        assigneeId: agentId,
      });
      const customer = customerSocket(api, token);
      const staff = agentSocket(api, agent);
      await Promise.all([connected(customer), connected(staff)]);
      const customerSaw = collect<unknown>(customer, AgentServerEvent.MessageDeliveryChanged);
      const staffSaw = waitFor<MessageDeliveryChanged>(
        staff,
        AgentServerEvent.MessageDeliveryChanged,
        (e) => e.conversationId === conversation.id,
      );
      await api.app.get(DomainEventsService).publish({
        type: 'message.delivery_changed',
        conversationId: conversation.id,
        messageId: randomUUID(),
        seq: 1,
        deliveryStatus: 'read',
      });
      expect(await staffSaw).toMatchObject({ conversationId: conversation.id, deliveryStatus: 'read' });
      // A reply reaches the customer after anything emitted before it: by then nothing else came.
      const reply = waitFor(customer, CustomerServerEvent.MessageCreated);
      const sent = await agent.post(`/api/v1/conversations/${conversation.id}/messages`, {
        body: 'Anything else?',
        clientMessageId: `reply-${randomUUID()}`,
      });
      expect(sent.status).toBe(201);
      await reply;
      expect(customerSaw).toEqual([]);
    });
  });

  describe('supervisor history', () => {
    const historyOf = (client: Client, query: string) =>
      client.get<SupervisorHistory>(`/api/v1/supervisor/history?${query}`);

    it('counts a resolved conversation as handled and a waiting one as waiting, per queue', async () => {
      const q = await queue({ routingMode: 'manual' });
      const elsewhere = await queue({ routingMode: 'manual' });
      const resolved = await handedOff(q.id);
      const waiting = await handedOff(q.id);
      const moved = await handedOff(q.id);
      expect([resolved.status, waiting.status, moved.status]).toEqual(['queued', 'queued', 'queued']);
      expect((await agent.post(`/api/v1/conversations/${resolved.id}/claim`)).status).toBe(200);
      expect((await agent.post(`/api/v1/conversations/${resolved.id}/resolve`)).status).toBe(200);
      expect(
        (await agent.post(`/api/v1/conversations/${moved.id}/transfer`, { toQueueId: elsewhere.id })).status,
      ).toBe(200);

      const reply = await historyOf(supervisor, `hours=2&queueId=${q.id}`);
      expect(reply.status).toBe(200);
      const history = ZSupervisorHistory.parse(reply.body);
      expect(history.bucketMinutes).toBe(15);
      expect(history.buckets).toHaveLength(8);
      expect(history.from).toBe(history.buckets[0]!.start);
      const starts = history.buckets.map((b) => Date.parse(b.start));
      expect(starts.every((s, i) => i === 0 || s - starts[i - 1]! === 15 * 60_000)).toBe(true);
      expect(starts.at(-1)! % (15 * 60_000)).toBe(0);
      expect(Date.parse(history.to)).toBeGreaterThanOrEqual(starts.at(-1)!);
      const last = history.buckets.at(-1)!;
      expect(last.waiting).toBe(1);
      expect(history.buckets.reduce((sum, b) => sum + b.handled, 0)).toBe(1);
      // Nothing of this queue existed before the last two buckets (the test may straddle a boundary).
      expect(history.buckets.slice(0, -2).every((b) => b.waiting === 0 && b.handled === 0)).toBe(true);

      const other = ZSupervisorHistory.parse((await historyOf(supervisor, `queueId=${elsewhere.id}`)).body);
      expect(other.bucketMinutes).toBe(60);
      expect(other.buckets).toHaveLength(8);
      expect(other.buckets.at(-1)).toMatchObject({ waiting: 1, handled: 0 });

      const all = ZSupervisorHistory.parse((await historyOf(supervisor, 'hours=1')).body);
      expect(all.buckets).toHaveLength(4);
      expect(all.buckets.at(-1)!.waiting).toBeGreaterThanOrEqual(2);
    });

    it('needs report:read and checks its query', async () => {
      expect((await historyOf(agent, 'hours=8')).status).toBe(403);
      expect((await historyOf(supervisor, 'hours=49')).status).toBe(400);
      expect((await historyOf(supervisor, 'hours=0')).status).toBe(400);
      expect((await historyOf(supervisor, 'queueId=nope')).status).toBe(400);
      expect((await historyOf(supervisor, `queueId=${randomUUID()}`)).status).toBe(404);
      expect((await historyOf(admin, 'hours=48')).body.buckets).toHaveLength(48);
    });
  });
});
