import type { Message } from '@baton/contracts';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Namespace } from 'socket.io';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSqlWireCounter, type SqlWireCounter } from './support/sql-wire-counter.js';
import { CustomerGateway } from '../src/modules/realtime/customer.gateway.js';
import { SocketEmitterService } from '../src/modules/realtime/socket-emitter.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { handedOff, visitor } from './factories/conversations.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { createAgent, signedInAdmin } from './factories/users.factory.js';
import { eventually, signIn, startApi, type Client, type TestApi } from './support/api.js';
import {
  agentSocket,
  ask,
  closeSockets,
  collect,
  connected,
  customerSocket,
  waitFor,
} from './support/sockets.js';

/** Every message an instance's socket.io adapter reads from Redis (all its namespaces share one subscriber). */
function adapterInbox(api: TestApi) {
  const namespace = (api.app.get(CustomerGateway) as unknown as { server: Namespace }).server;
  const subscriber = (namespace.adapter as unknown as { subClient: Redis }).subClient;
  const seen: Buffer[] = [];
  subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => seen.push(message));
  subscriber.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) =>
    seen.push(message),
  );
  subscriber.on('smessageBuffer', (_channel: Buffer, message: Buffer) => seen.push(message));
  return { mentioning: (text: string) => seen.filter((message) => message.includes(text)).length };
}

/**
 * More API instances add capacity only if an instance reads just the broadcasts its own sockets need:
 * a conversation's events reach, through Redis, the instances holding a socket in one of its rooms
 * and no other.
 */
describe('socket.io broadcasts between instances', () => {
  let a: TestApi;
  let b: TestApi;
  let admin: Client;
  let channelId: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(), startApi()]);
    admin = await signedInAdmin(a);
    channelId = (await webchatChannel(a)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  async function agentOn(api: TestApi) {
    const user = await createAgent(a, { capacity: 3 });
    const queue = await queueWith(admin, [{ userId: user.id }]);
    const client = await signIn(a, user);
    const socket = agentSocket(api, client);
    await connected(socket);
    return { queue, client, socket };
  }

  /** Once `api` has read a broadcast published after everything before it, it has read those too. */
  async function settled(inbox: ReturnType<typeof adapterInbox>) {
    const marker = randomUUID();
    a.app.get(SocketEmitterService).toInstances('test.marker', marker);
    await eventually(
      () => inbox.mentioning(marker),
      (n) => n > 0,
    );
  }

  it('reach only the instances holding a socket in their rooms', async () => {
    const inboxA = adapterInbox(a);
    const inboxB = adapterInbox(b);
    // Instance b serves staff too, just none of this conversation's.
    await agentOn(b);
    const agent = await agentOn(a);
    await ask(agent.socket, 'presence.set', { presence: 'available' });
    const { contact, token } = await visitor(a, channelId);
    const tab1 = customerSocket(a, token);
    await connected(tab1);
    const conversation = await handedOff(a, channelId, agent.queue.id, { contactId: contact.id });
    expect(conversation.status).toBe('assigned');

    const send = (body: string) =>
      ask(agent.socket, 'message.send', {
        conversationId: conversation.id,
        body,
        clientMessageId: randomUUID(),
      });
    const first = waitFor<{ message: Message }>(tab1, 'message.created');
    await send('Hello from the agent');
    expect((await first).message.body).toBe('Hello from the agent');
    await settled(inboxB);
    expect(inboxA.mentioning(conversation.id)).toBeGreaterThan(0);
    expect(inboxB.mentioning(conversation.id)).toBe(0);
    expect(inboxB.mentioning(contact.id)).toBe(0);

    // The customer opens a second tab, on b: from then on b reads the conversation's customer events.
    const tab2 = customerSocket(b, token);
    await connected(tab2);
    const inTab1 = waitFor<{ message: Message }>(tab1, 'message.created');
    const inTab2 = waitFor<{ message: Message }>(tab2, 'message.created');
    await send('Both tabs see this');
    expect((await inTab1).message.body).toBe('Both tabs see this');
    expect((await inTab2).message.body).toBe('Both tabs see this');
    expect(inboxB.mentioning(conversation.id)).toBeGreaterThan(0);
  });

  it('reach a socket in several of their rooms once, wherever they were emitted', async () => {
    const agent = await agentOn(a);
    await ask(agent.socket, 'presence.set', { presence: 'available' });
    const { contact, token } = await visitor(a, channelId);
    const conversation = await handedOff(a, channelId, agent.queue.id, { contactId: contact.id });
    // A second tab of the agent, on b, opens the conversation: it is in its assignee's, its queue's and
    // its user's rooms, each of which a message or a typing notice goes to.
    const tab = agentSocket(b, agent.client);
    await connected(tab);
    await ask(tab, 'conversation.join', { conversationId: conversation.id });
    const customer = customerSocket(a, token);
    await connected(customer);
    const messages = collect<{ message: Message }>(tab, 'message.created');
    const typing = collect<{ typing: boolean }>(tab, 'typing.changed');

    // The fan-out's emits (through Redis from this process), then the gateway's own (typing).
    const send = (body: string) =>
      ask(customer, 'message.send', { conversationId: conversation.id, body, clientMessageId: randomUUID() });
    const second = waitFor(
      tab,
      'message.created',
      ({ message }: { message: Message }) => message.body === 'second',
    );
    await send('first');
    await send('second');
    await second;
    const stopped = waitFor(tab, 'typing.changed', ({ typing: now }: { typing: boolean }) => !now);
    await ask(customer, 'typing.set', { conversationId: conversation.id, typing: true });
    await ask(customer, 'typing.set', { conversationId: conversation.id, typing: false });
    await stopped;
    // Each room's copy left in order from one connection: had a second copy been sent, it came first.
    expect(messages.map(({ message }) => message.body)).toEqual(['first', 'second']);
    expect(typing.map((t) => t.typing)).toEqual([true, false]);
  });
});

/** Thousands of widgets reconnect at once after a deploy: a visitor's handshake stays one short read. */
describe('a visitor handshake', () => {
  let counter: SqlWireCounter;
  let api: TestApi;

  beforeAll(async () => {
    counter = await startSqlWireCounter(inject('databaseUrl'));
    api = await startApi({ DATABASE_URL: counter.url });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await api?.close();
    await counter?.close();
  });

  it('reads the contact and its channel in one SQL statement', async () => {
    const channel = await webchatChannel(api);
    const { token } = await visitor(api, channel.id);
    counter.reset();
    await connected(customerSocket(api, token));
    expect(counter.statements()).toBe(1);
  });
});
