import { ZCustomerMessage, ZMessage, type CustomerMessage, type Message } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';

import { createApiKey, externalHandoff } from './factories/api-keys.factory.js';
import { webchatChannel } from './factories/channels.factory.js';
import { visitor as newVisitor } from './factories/conversations.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { createAgent, signedInAdmin } from './factories/users.factory.js';
import { useApi, createUser, eventually, signIn, type Client } from './support/api.js';
import {
  agentSocket,
  ask,
  closeSockets,
  collect,
  connected,
  customerSocket,
  waitFor,
} from './support/sockets.js';
import { capturingLogger, testEnv } from './support/test-env.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';
import { tag } from './factories/names.js';

/**
 * Every message says what it is and who really wrote it: a supervisor's whisper and barge-in carry
 * the supervisor, not the assigned agent, over REST and both socket namespaces, and the customer
 * never receives a note or a whisper.
 */
describe('message kinds and real authors', () => {
  const api = useApi();
  let admin: Client;
  let channelId: string;

  beforeAll(async () => {
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  });
  afterEach(() => closeSockets());

  it('labels replies, notes, whispers and barge-ins with their kind and real author, everywhere', async () => {
    const agent = await createAgent(api, { capacity: 3, displayName: 'Ana Lima' });
    const supervisor = await createUser(api, { roles: ['supervisor'], mfa: true, displayName: 'Sam Reyes' });
    const queue = await queueWith(admin, [
      { userId: agent.id },
      { userId: supervisor.id, isSupervisor: true },
    ]);
    const agentClient = await signIn(api, agent);
    const boss = await signIn(api, supervisor);

    const staffSocket = agentSocket(api, agentClient);
    await connected(staffSocket);
    await ask(staffSocket, 'presence.set', { presence: 'available' });
    const staffSeen = collect<{ message: Message }>(staffSocket, 'message.created');

    const visitor = customerSocket(api, (await newVisitor(api, channelId)).token);
    await connected(visitor);
    const customerSeen = collect<{ message: CustomerMessage }>(visitor, 'message.created');
    const first = await ask<{ message: { conversationId: string } }>(visitor, 'message.send', {
      body: 'My order is late',
      clientMessageId: 'kinds-cust-0001',
    });
    const conversationId = first.message.conversationId;
    await api.app.get(ConversationsService).handoff(conversationId, { queueId: queue.id });
    await eventually(
      () => api.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } }),
      (c) => c.assigneeId === agent.id,
    );

    const path = `/api/v1/conversations/${conversationId}`;
    await agentClient.post(`${path}/messages`, {
      body: 'Looking into it',
      clientMessageId: 'kinds-reply-01',
    });
    await agentClient.post(`${path}/messages`, {
      body: 'Warehouse delay',
      clientMessageId: 'kinds-note-001',
      internal: true,
    });
    const whisper = await boss.post<Message>(`${path}/whisper`, {
      body: 'Offer the voucher',
      clientMessageId: 'kinds-whisper-1',
    });
    const bargeSeenByCustomer = waitFor<{ message: CustomerMessage }>(
      visitor,
      'message.created',
      (e) => e.message.body === 'I am the team lead',
    );
    const barge = await boss.post<Message>(`${path}/barge-in`, {
      body: 'I am the team lead',
      clientMessageId: 'kinds-barge-01',
    });

    // The answers to the supervisor name the supervisor.
    expect(whisper.body).toMatchObject({
      kind: 'whisper',
      internal: true,
      authorUserId: supervisor.id,
      authorName: 'Sam Reyes',
    });
    expect(barge.body).toMatchObject({
      kind: 'barge_in',
      internal: false,
      authorUserId: supervisor.id,
      authorName: 'Sam Reyes',
    });

    const expected = [
      { kind: 'customer', authorKind: 'customer', authorUserId: null, authorName: null, internal: false },
      { kind: 'reply', authorKind: 'agent', authorUserId: agent.id, authorName: 'Ana Lima', internal: false },
      { kind: 'note', authorKind: 'agent', authorUserId: agent.id, authorName: 'Ana Lima', internal: true },
      {
        kind: 'whisper',
        authorKind: 'agent',
        authorUserId: supervisor.id,
        authorName: 'Sam Reyes',
        internal: true,
      },
      {
        kind: 'barge_in',
        authorKind: 'agent',
        authorUserId: supervisor.id,
        authorName: 'Sam Reyes',
        internal: false,
      },
    ];
    const pick = (m: Message) => ({
      kind: m.kind,
      authorKind: m.authorKind,
      authorUserId: m.authorUserId,
      authorName: m.authorName,
      internal: m.internal,
    });

    // REST, as the inbox and the wall load it.
    const rest = await agentClient.get<Message[]>(`${path}/messages`);
    for (const m of rest.body) expect(ZMessage.parse(m)).toEqual(m);
    expect(rest.body.map(pick)).toEqual(expected);

    // The agent's socket, live (from the assignment on) and on back-fill.
    await eventually(
      () => staffSeen.length,
      (n) => n >= 4,
    );
    expect(staffSeen.map((e) => pick(e.message))).toEqual(expected.slice(1));
    const fetched = await ask<{ messages: Message[] }>(staffSocket, 'messages.fetch', {
      conversationId,
      afterSeq: 0,
    });
    expect(fetched.messages.map(pick)).toEqual(expected);

    // The customer: the reply under the agent's name, the barge-in under the supervisor's, and neither
    // the note nor the whisper (both were sent before the barge-in, so they would have arrived first).
    await bargeSeenByCustomer;
    const customerView = (m: CustomerMessage) => ({ kind: m.kind, authorName: m.authorName, body: m.body });
    const customerExpected = [
      { kind: 'customer', authorName: null, body: 'My order is late' },
      { kind: 'reply', authorName: 'Ana Lima', body: 'Looking into it' },
      { kind: 'barge_in', authorName: 'Sam Reyes', body: 'I am the team lead' },
    ];
    expect(customerSeen.map((e) => customerView(e.message))).toEqual(customerExpected);
    const history = await ask<{ messages: CustomerMessage[] }>(visitor, 'messages.fetch', {
      conversationId,
      afterSeq: 0,
    });
    for (const m of history.messages) expect(ZCustomerMessage.parse(m)).toEqual(m);
    expect(history.messages.map(customerView)).toEqual(customerExpected);
    // Only display names reach the customer, never staff ids.
    expect(JSON.stringify(history.messages)).not.toContain(supervisor.id);
  });

  it("names the supervisor, not the assignee, in an external bot's agent_message_created webhook", async () => {
    const hooks = await startWebhookReceiver();
    const worker = await createWorker(testEnv(), capturingLogger('warn').logger);
    try {
      const agent = await createUser(api, {
        roles: ['agent'],
        email: `ana-${tag()}@example.test`,
        displayName: 'Ana Lima',
      });
      const supervisor = await createUser(api, {
        roles: ['supervisor'],
        mfa: true,
        displayName: 'Sam Reyes',
      });
      const queue = await queueWith(admin, [
        { userId: agent.id },
        { userId: supervisor.id, isSupervisor: true },
      ]);
      const key = await createApiKey(admin, { webhookUrl: hooks.url });
      const created = await externalHandoff(api.base, key.key, {
        queue: queue.id,
        agent_email: agent.email,
        subscribe_helpdesk_events: ['agent_message_created'],
        contact: { id: `crm-${tag()}` },
      });
      const caseId = created.body.caseId;

      const path = `/api/v1/conversations/${caseId}`;
      const agentClient = await signIn(api, agent);
      await agentClient.post(`${path}/messages`, {
        body: 'Refund is on its way',
        clientMessageId: 'kinds-api-reply',
      });
      const boss = await signIn(api, supervisor);
      await boss.post(`${path}/whisper`, { body: 'Check the fee too', clientMessageId: 'kinds-api-whisper' });
      await boss.post(`${path}/barge-in`, { body: 'Team lead here', clientMessageId: 'kinds-api-barge' });

      const said = await eventually(
        () =>
          hooks.calls
            .filter((c) => c.body.case_id === caseId && c.body.event === 'agent_message_created')
            .map((c) => c.body.message as { text: string; agent_name: string | null }),
        (all) => all.some((m) => m.text === 'Team lead here'),
        15_000,
      );
      // The whisper was written before the barge-in, and would have been sent before it.
      expect(said.map((m) => [m.text, m.agent_name])).toEqual([
        ['Refund is on its way', 'Ana Lima'],
        ['Team lead here', 'Sam Reyes'],
      ]);
    } finally {
      await worker.close();
      await hooks.close();
    }
  });

  it('refuses a message whose kind disagrees with its author or with `internal`', async () => {
    const contact = await api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
    const c = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
    const row = { conversationId: c.id, body: 'x' };
    await expect(
      api.prisma.message.create({
        data: { ...row, seq: 1, authorKind: 'agent', kind: 'whisper', internal: false },
      }),
    ).rejects.toThrow(/cannot be a/);
    await expect(
      api.prisma.message.create({ data: { ...row, seq: 2, authorKind: 'customer', kind: 'reply' } }),
    ).rejects.toThrow(/cannot be a/);
    await expect(
      api.prisma.message.create({
        data: { ...row, seq: 3, authorKind: 'agent', kind: 'note', internal: true },
      }),
    ).resolves.toMatchObject({ kind: 'note' });
  });
});
