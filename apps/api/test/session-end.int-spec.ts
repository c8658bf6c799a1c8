import type { Conversation, CustomerConversationUpdated } from '@baton/contracts';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { QueuePositionsService } from '../src/modules/routing/queue-positions.service.js';
import { SecuritySettingsService } from '../src/modules/settings/security-settings.service.js';
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

/**
 * A deliberate end of a session (disabled, signed out, ended by an admin) is not a lost connection:
 * the tab learns why at once, and the agent's conversations go back to the queue without the grace
 * period an accidental disconnect gets.
 */
describe('a session ended on purpose', () => {
  // Two instances: the agent's socket is on `b`, the admin acts on `a`, so the end crosses Redis.
  let a: TestApi;
  let b: TestApi;
  let admin: Client;
  let channelId: string;
  // An hour: anything that comes back within this test did not wait for the grace period.
  const grace = { AGENT_DISCONNECT_GRACE_SECONDS: '3600' };

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(grace), startApi(grace)]);
    admin = await signedInAdmin(a);
    channelId = (await webchatChannel(a)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  async function handoff(queueId: string) {
    const customer = await visitor(a, channelId);
    const conversation = await handedOff(a, channelId, queueId, { contactId: customer.contact.id });
    return { conversation, token: customer.token };
  }

  /**
   * An available agent (capacity 1) on instance `b` holding the first of two conversations; the
   * second, handed off later, waits behind it. The customer of the first watches the widget.
   */
  async function agentHoldingAConversation(queueSettings: Record<string, unknown> = {}) {
    const user = await createAgent(a, { capacity: 1 });
    const queue = await queueWith(admin, [{ userId: user.id }], queueSettings);
    const client = await signIn(a, user);
    const socket = agentSocket(b, client);
    await connected(socket);
    await ask(socket, 'presence.set', { presence: 'available' });
    const held = await handoff(queue.id);
    const later = await handoff(queue.id);
    const customer = customerSocket(a, held.token);
    await connected(customer);
    return { queue, user, client, socket, held: held.conversation, later: later.conversation, customer };
  }

  async function expectBackInQueueAtOnce(queueId: string, held: Conversation, later: Conversation) {
    const row = () => a.prisma.conversation.findUniqueOrThrow({ where: { id: held.id } });
    const started = Date.now();
    const requeued = await eventually(row, (c) => c.status === 'queued', 3_000);
    expect(requeued).toMatchObject({ status: 'queued', assigneeId: null, offeredToId: null });
    expect(Date.now() - started).toBeLessThan(3_000);
    // Its original place: it waited before the other one, so it is served first again.
    expect(requeued.waitingSince?.toISOString()).toBe(held.waitingSince);
    const positions = await a.app.get(QueuePositionsService).forQueue(queueId);
    expect(positions.map((p) => p.conversationId)).toEqual([held.id, later.id]);
  }

  it('disables an agent: the tab is told why and closed, the conversation is back in its place at once', async () => {
    const { queue, user, client, socket, held, later, customer } = await agentHoldingAConversation();
    expect(held).toMatchObject({ status: 'assigned', assigneeId: user.id });
    expect(later.status).toBe('queued');

    const ended = waitFor<{ reason: string }>(socket, 'session.ended');
    const closed = waitFor<string>(socket, 'disconnect');
    const widget = collect<CustomerConversationUpdated>(customer, 'conversation.updated');
    expect((await admin.post(`/api/v1/users/${user.id}/disable`)).status).toBe(200);

    expect(await ended).toEqual({
      reason: 'user_disabled',
      message: 'Your account was disabled by an administrator.',
    });
    await closed;
    await expectBackInQueueAtOnce(queue.id, held, later);
    // The customer is not told the agent is still helping.
    const told = await eventually(
      () => widget.filter((u) => u.conversationId === held.id).at(-1),
      (u) => u?.status === 'queued',
    );
    expect(told).toMatchObject({ status: 'queued', agentName: null });
    expect(await a.prisma.agentState.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({
      presence: 'offline',
      activeCount: 0,
    });
    const offline = await a.prisma.auditEvent.findFirst({
      where: { action: 'agent.status_changed', targetId: user.id, actorId: null },
    });
    expect(offline).toMatchObject({ data: { to: 'offline', reason: 'user_disabled' } });
    // A tab that missed the event (asleep, reloaded) learns the same from its next request.
    const refused = await client.get<{ error: { code: string; message: string } }>('/api/v1/auth/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({
      code: 'auth.session_ended',
      message: 'Your account was disabled by an administrator.',
    });
  });

  it('signs an agent out: the same, and an open offer is withdrawn too', async () => {
    const { queue, user, client, socket, held, later } = await agentHoldingAConversation();
    const ended = waitFor<{ reason: string }>(socket, 'session.ended');
    const closed = waitFor<string>(socket, 'disconnect');
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    expect(await ended).toMatchObject({ reason: 'logout' });
    await closed;
    await expectBackInQueueAtOnce(queue.id, held, later);
    expect(await a.prisma.agentState.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({
      presence: 'offline',
      activeCount: 0,
    });

    // Offer mode: a conversation offered to an agent who signs out goes to the next one at once.
    const offerQueue = await agentHoldingAConversation({ offerTimeoutSeconds: 600 });
    const offered = await eventually(
      () => a.prisma.conversation.findUniqueOrThrow({ where: { id: offerQueue.held.id } }),
      (c) => c.offeredToId === offerQueue.user.id,
    );
    expect(offered.offeredToId).toBe(offerQueue.user.id);
    expect((await offerQueue.client.post('/api/v1/auth/logout')).status).toBe(204);
    const withdrawn = await eventually(
      () => a.prisma.conversation.findUniqueOrThrow({ where: { id: offerQueue.held.id } }),
      (c) => c.offeredToId === null,
      3_000,
    );
    expect(withdrawn).toMatchObject({ status: 'queued', offeredToId: null });
    expect(
      await a.prisma.agentState.findUniqueOrThrow({ where: { userId: offerQueue.user.id } }),
    ).toMatchObject({ presence: 'offline', activeCount: 0 });
  });

  it('keeps the conversations of an agent who signs out of one browser but is still signed in on another', async () => {
    const { user, client, socket, held } = await agentHoldingAConversation();
    const otherBrowser = await signIn(a, user);
    const closed = waitFor<string>(socket, 'disconnect');
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    await closed;
    // The requeue, when due, happens before the sign-out answers; this one was not due.
    expect(await a.prisma.conversation.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({
      status: 'assigned',
      assigneeId: user.id,
    });
    expect((await otherBrowser.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('tells a tab why its session ended when an admin ends it', async () => {
    const { user, socket } = await agentHoldingAConversation();
    const ended = waitFor<{ reason: string }>(socket, 'session.ended');
    expect((await admin.post(`/api/v1/users/${user.id}/sessions/end`)).status).toBe(200);
    expect(await ended).toMatchObject({ reason: 'ended_by_admin' });
  });

  it('ends a session the server finds idle: its tab is told, its conversation goes back at once', async () => {
    const { queue, user, client, socket, held, later } = await agentHoldingAConversation();
    const { sessionIdleMinutes } = await b.app.get(SecuritySettingsService).get();
    await a.prisma.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: new Date(Date.now() - (sessionIdleMinutes + 1) * 60_000) },
    });
    const ended = waitFor<{ reason: string }>(socket, 'session.ended');
    // The next request with the session finds it idle and is refused; its open tab is told. (A
    // socket's own events are checked against the times it holds: see message-path.int-spec.ts.)
    expect((await client.get<{ error: { code: string } }>('/api/v1/auth/me')).body.error.code).toBe(
      'auth.session_ended',
    );
    expect(await ended).toMatchObject({ reason: 'idle_timeout' });
    await expectBackInQueueAtOnce(queue.id, held, later);
  });
});
