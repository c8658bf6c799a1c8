import type { Conversation, Role, SupervisorOverview } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConversationTransitions } from '../src/modules/conversations/conversation-transitions.service.js';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';
import { DomainEventsService } from '../src/modules/events/domain-events.service.js';

import { webchatChannel } from './factories/channels.factory.js';
import { handedOff, visitor } from './factories/conversations.factory.js';
import { routingFactory } from './factories/routing.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { createUser, signIn, startApi, type Client, type TestApi } from './support/api.js';
import { agentSocket, ask, closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';
import { tag } from './factories/names.js';

interface Received {
  event: string;
  payload: unknown;
}

/**
 * Least privilege on live data: a staff socket stops receiving a conversation's (or a queue's) events
 * the moment its user loses access to it — transfer, unassign, reassign, queue membership, role,
 * supervisor flag, closing — on every instance. Changes go through instance `a`; the sockets watched
 * sit on instance `b`. After each change, `sweep` drives every server→client event type that
 * concerns the conversation through the real fan-out, and the deprived socket must have received
 * none of them (only the notice that the conversation was withdrawn from it).
 */
describe('socket rooms follow access, on every instance', () => {
  let a: TestApi;
  let b: TestApi;
  let admin: Client;
  let adminSocket: Socket;
  let channelId: string;
  const f = routingFactory(() => ({ api: a, admin, channelId }));

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(), startApi()]);
    admin = await signedInAdmin(a);
    channelId = (await webchatChannel(a)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  /** Every event the socket receives from now on. */
  function record(socket: Socket): Received[] {
    const seen: Received[] = [];
    socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
    return seen;
  }

  async function open(client: Client): Promise<Socket> {
    const socket = agentSocket(b, client);
    await connected(socket);
    return socket;
  }

  async function join(socket: Socket, conversationId: string): Promise<void> {
    expect(await ask(socket, 'conversation.join', { conversationId })).toMatchObject({ ok: true });
  }

  /** A signed-in supervisor (made a flagged member of queues by the test). */
  async function supervisor() {
    const user = await createUser(a, { roles: ['supervisor'], mfa: true });
    await a.prisma.agentState.create({ data: { userId: user.id, capacity: 3 } });
    const client = await signIn(a, user);
    return { user, client };
  }

  async function setMembers(queueId: string, members: { userId: string; isSupervisor?: boolean }[]) {
    await f.members(queueId, members);
  }

  /** A customer conversation in `queueId` with a visitor socket (on `a`) to write and type in it. */
  async function withCustomer(queueId: string) {
    const customer = await visitor(a, channelId);
    const conversation = await handedOff(a, channelId, queueId, { contactId: customer.contact.id });
    const socket = customerSocket(a, customer.token);
    await connected(socket);
    return { conversation, visitor: socket };
  }

  const current = (id: string) => a.prisma.conversation.findUniqueOrThrow({ where: { id } });

  /**
   * Drives every server→client event type about conversation `id` through the real fan-out of
   * instance `a`: a customer message and typing, a staff note (by `entitled`, who may see it all), a
   * delivery change, an SLA breach, a conversation update and the supervisor numbers. Then it waits
   * until `watcher` — a socket on `b` that may see all of it — received the last of them, and ends
   * with an event for `deprived` itself, so everything sent to `deprived` before has arrived.
   */
  async function sweep(options: {
    id: string;
    visitor?: Socket;
    entitled: { client: Client; socket: Socket };
    deprived: { userId: string; socket: Socket } | null;
  }): Promise<void> {
    const { id, visitor, entitled } = options;
    const events = a.app.get(DomainEventsService);
    const row = await current(id);
    await join(entitled.socket, id);
    if (visitor) {
      const typed = waitFor(
        entitled.socket,
        'typing.changed',
        (t: { conversationId: string }) => t.conversationId === id,
      );
      await ask(visitor, 'typing.set', { conversationId: id, typing: true });
      await typed;
      const said = waitFor(
        entitled.socket,
        'message.created',
        (m: { message: { conversationId: string } }) => m.message.conversationId === id,
      );
      await ask(visitor, 'message.send', {
        conversationId: id,
        body: 'my card number is …',
        clientMessageId: randomUUID(),
      });
      await said;
    }
    const noted = waitFor(
      entitled.socket,
      'message.created',
      (m: { message: { conversationId: string; internal: boolean } }) =>
        m.message.conversationId === id && m.message.internal,
    );
    expect(
      (
        await entitled.client.post(`/api/v1/conversations/${id}/messages`, {
          body: 'internal: customer is a VIP',
          clientMessageId: randomUUID(),
          internal: true,
        })
      ).status,
    ).toBe(201);
    await noted;
    const updated = waitFor(adminSocket, 'supervisor.overview_changed');
    const changed = waitFor(
      entitled.socket,
      'conversation.updated',
      (u: { conversation: Conversation }) => u.conversation.id === id,
    );
    await events.publish(
      {
        type: 'message.delivery_changed',
        conversationId: id,
        messageId: randomUUID(),
        seq: 1,
        deliveryStatus: 'read',
      },
      { type: 'conversation.sla_breached', conversationId: id, queueId: row.queueId, kind: 'first_response' },
      { type: 'conversation.changed', conversationId: id },
    );
    await changed;
    await updated;
    if (options.deprived) {
      const marker = waitFor(options.deprived.socket, 'agent.state_changed');
      await events.publish({
        type: 'agent.status_changed',
        userId: options.deprived.userId,
        presence: 'away',
      });
      await marker;
    }
  }

  /** What `seen` received about `ids` (other than being told they were withdrawn). */
  const leaks = (seen: Received[], ids: string[]) =>
    seen.filter(
      ({ event, payload }) =>
        event !== 'conversation.withdrawn' && ids.some((id) => JSON.stringify(payload).includes(id)),
    );

  beforeEach(async () => {
    // The admin's wall sees every queue's numbers: the sweep waits for them there.
    adminSocket = agentSocket(b, admin);
    await connected(adminSocket);
  });

  it('transfer to another queue: the agent who gave it away stops receiving it', async () => {
    const [qa, qb] = [await f.queue(), await f.queue()];
    const agentA = await f.agent(3);
    const agentB = await f.agent(3, 'away');
    const sup = await supervisor();
    await setMembers(qa.id, [{ userId: agentA.user.id }, { userId: sup.user.id, isSupervisor: true }]);
    await setMembers(qb.id, [{ userId: agentB.user.id }, { userId: sup.user.id, isSupervisor: true }]);
    const { conversation: w, visitor } = await withCustomer(qa.id);
    expect(w).toMatchObject({ status: 'assigned', assigneeId: agentA.user.id });
    const aSocket = await open(agentA.client);
    const supSocket = await open(sup.client);
    await join(aSocket, w.id);
    await join(supSocket, w.id);
    const seen = record(aSocket);

    expect(
      (await agentA.client.post(`/api/v1/conversations/${w.id}/transfer`, { toQueueId: qb.id })).status,
    ).toBe(200);
    await f.setPresence(agentB.client, 'available');
    expect(await current(w.id)).toMatchObject({ assigneeId: agentB.user.id, queueId: qb.id });
    expect((await agentA.client.get(`/api/v1/conversations/${w.id}`)).status).toBe(404);

    await sweep({
      id: w.id,
      visitor,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: agentA.user.id, socket: aSocket },
    });
    expect(leaks(seen, [w.id])).toEqual([]);
    expect(seen).toContainEqual({ event: 'conversation.withdrawn', payload: { conversationId: w.id } });
  });

  it('unassign and reassign: an assignee who is no longer in the queue loses the conversation', async () => {
    const qa = await f.queue();
    const agentB = await f.agent(3);
    const agentC = await f.agent(3, 'away');
    const sup = await supervisor();
    const supSocket = await open(sup.client);
    const bSocket = await open(agentB.client);
    const members = [{ userId: agentC.user.id }, { userId: sup.user.id, isSupervisor: true }];

    /** B holds a queue-A conversation, then leaves queue A: B still sees it, as its assignee. */
    const heldByFormerMember = async () => {
      await setMembers(qa.id, [{ userId: agentB.user.id }, ...members]);
      const held = await withCustomer(qa.id);
      expect(held.conversation.assigneeId).toBe(agentB.user.id);
      await join(bSocket, held.conversation.id);
      await join(supSocket, held.conversation.id);
      await setMembers(qa.id, members);
      expect((await agentB.client.get(`/api/v1/conversations/${held.conversation.id}`)).status).toBe(200);
      return held;
    };

    // Unassign: B puts it back in queue A.
    const first = await heldByFormerMember();
    let seen = record(bSocket);
    expect(
      (await agentB.client.post(`/api/v1/conversations/${first.conversation.id}/unassign`, {})).status,
    ).toBe(200);
    expect((await agentB.client.get(`/api/v1/conversations/${first.conversation.id}`)).status).toBe(404);
    await sweep({
      id: first.conversation.id,
      visitor: first.visitor,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: agentB.user.id, socket: bSocket },
    });
    expect(leaks(seen, [first.conversation.id])).toEqual([]);
    expect(seen.some((e) => e.event === 'conversation.withdrawn')).toBe(true);
    bSocket.offAny();

    // Reassign: a supervisor gives it to C.
    const second = await heldByFormerMember();
    await f.setPresence(agentC.client, 'available');
    seen = record(bSocket);
    expect(
      (
        await sup.client.post(`/api/v1/conversations/${second.conversation.id}/transfer`, {
          toUserId: agentC.user.id,
        })
      ).status,
    ).toBe(200);
    await sweep({
      id: second.conversation.id,
      visitor: second.visitor,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: agentB.user.id, socket: bSocket },
    });
    expect(leaks(seen, [second.conversation.id])).toEqual([]);
    expect(seen.some((e) => e.event === 'conversation.withdrawn')).toBe(true);
  });
  it('removed from a queue: no more of its conversations, old or new', async () => {
    const qa = await f.queue();
    const agentA = await f.agent(3, 'away');
    const agentC = await f.agent(3);
    const sup = await supervisor();
    await setMembers(qa.id, [
      { userId: agentA.user.id },
      { userId: agentC.user.id },
      { userId: sup.user.id, isSupervisor: true },
    ]);
    const { conversation: w, visitor } = await withCustomer(qa.id);
    expect(w.assigneeId).toBe(agentC.user.id);
    const aSocket = await open(agentA.client);
    const supSocket = await open(sup.client);
    await join(aSocket, w.id);
    await join(supSocket, w.id);
    const seen = record(aSocket);

    await setMembers(qa.id, [{ userId: agentC.user.id }, { userId: sup.user.id, isSupervisor: true }]);
    const later = await withCustomer(qa.id);
    await sweep({
      id: w.id,
      visitor,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: agentA.user.id, socket: aSocket },
    });
    await sweep({
      id: later.conversation.id,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: agentA.user.id, socket: aSocket },
    });
    expect(leaks(seen, [w.id, later.conversation.id])).toEqual([]);
    expect(seen.some((e) => e.event === 'access.changed')).toBe(true);
  });

  it('role change: a role that loses conversation:read stops its holders’ live data; a user’s own roles end their sockets', async () => {
    const qa = await f.queue();
    const base = (await admin.get<Role[]>('/api/v1/roles')).body.find((r) => r.name === 'agent')!;
    const custom = (
      await admin.post<Role>('/api/v1/roles', { name: `desk-${tag()}`, permissions: base.permissions })
    ).body;
    const desk = await createUser(a, { roles: [custom.name] });
    await a.prisma.agentState.create({ data: { userId: desk.id, capacity: 3 } });
    const deskClient = await signIn(a, desk);
    const agentC = await f.agent(3);
    const sup = await supervisor();
    await setMembers(qa.id, [
      { userId: desk.id },
      { userId: agentC.user.id },
      { userId: sup.user.id, isSupervisor: true },
    ]);
    const { conversation: w, visitor } = await withCustomer(qa.id);
    expect(w.assigneeId).toBe(agentC.user.id);
    const deskSocket = await open(deskClient);
    const supSocket = await open(sup.client);
    await join(deskSocket, w.id);
    await join(supSocket, w.id);
    const seen = record(deskSocket);

    const without = base.permissions.filter((p) => p !== 'conversation:read');
    expect(
      (await admin.request('PUT', `/api/v1/roles/${custom.id}`, { name: custom.name, permissions: without }))
        .status,
    ).toBe(200);
    const later = await withCustomer(qa.id);
    await sweep({
      id: w.id,
      visitor,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: desk.id, socket: deskSocket },
    });
    await sweep({
      id: later.conversation.id,
      entitled: { client: sup.client, socket: supSocket },
      deprived: { userId: desk.id, socket: deskSocket },
    });
    expect(leaks(seen, [w.id, later.conversation.id])).toEqual([]);

    // Changing a user's roles ends their sessions: the socket is told why, then closed.
    const agentSeen = record(await open(agentC.client));
    const cSocket = await open(agentC.client);
    await join(cSocket, w.id);
    const closed = new Promise((resolve) => cSocket.once('disconnect', resolve));
    expect(
      (await admin.request('PUT', `/api/v1/users/${agentC.user.id}/roles`, { roles: ['admin'] })).status,
    ).toBe(200);
    await closed;
    await sweep({ id: w.id, entitled: { client: sup.client, socket: supSocket }, deprived: null });
    expect(leaks(agentSeen, [w.id]).filter((e) => e.event !== 'session.ended')).toEqual([]);
  });

  it('supervisor flag removed: the queue’s live numbers stop', async () => {
    const qa = await f.queue();
    const agentA = await f.agent(3);
    const sup = await supervisor();
    const other = await supervisor();
    await setMembers(qa.id, [
      { userId: agentA.user.id },
      { userId: sup.user.id, isSupervisor: true },
      { userId: other.user.id, isSupervisor: true },
    ]);
    const { conversation: w, visitor } = await withCustomer(qa.id);
    const supSocket = await open(sup.client);
    const otherSocket = await open(other.client);
    await join(otherSocket, w.id);
    const seen = record(supSocket);

    await setMembers(qa.id, [
      { userId: agentA.user.id },
      { userId: sup.user.id },
      { userId: other.user.id, isSupervisor: true },
    ]);
    // Numbers computed before the change answered may still be on their way; none computed after.
    const changedAt = new Date().toISOString();
    await sweep({
      id: w.id,
      visitor,
      entitled: { client: other.client, socket: otherSocket },
      deprived: { userId: sup.user.id, socket: supSocket },
    });
    const numbers = seen.flatMap((e) =>
      e.event === 'supervisor.overview_changed' ? [e.payload as SupervisorOverview] : [],
    );
    expect(numbers.filter((o) => o.at >= changedAt && o.queues.some((q) => q.id === qa.id))).toEqual([]);
    expect(seen).toContainEqual({ event: 'access.changed', payload: {} });
  });

  it('closed: nothing more about the conversation reaches the sockets that had it open', async () => {
    const qa = await f.queue();
    const agentB = await f.agent(3);
    const sup = await supervisor();
    await setMembers(qa.id, [{ userId: agentB.user.id }, { userId: sup.user.id, isSupervisor: true }]);
    const { conversation: w } = await withCustomer(qa.id);
    expect(w.assigneeId).toBe(agentB.user.id);
    const bSocket = await open(agentB.client);
    const supSocket = await open(sup.client);
    await join(bSocket, w.id);
    await join(supSocket, w.id);
    // B leaves the queue: the conversation stays B's to finish, and then is no longer in any list of B's.
    await setMembers(qa.id, [{ userId: sup.user.id, isSupervisor: true }]);
    expect((await agentB.client.post(`/api/v1/conversations/${w.id}/resolve`, {})).status).toBe(200);
    const seen = record(bSocket);
    const transitions = a.app.get(ConversationTransitions);
    await a.app.get(ConversationsService).transition(w.id, (tx, c) => transitions.close(tx, c));
    expect(await current(w.id)).toMatchObject({ status: 'closed' });
    const marker = waitFor(bSocket, 'agent.state_changed');
    const closed = await current(w.id);
    await a.app.get(DomainEventsService).publish(
      {
        type: 'message.created',
        message: {
          id: randomUUID(),
          conversationId: w.id,
          seq: closed.lastSeq + 1,
          authorKind: 'customer',
          kind: 'customer',
          authorUserId: null,
          authorName: null,
          body: 'hello?',
          internal: false,
          clientMessageId: null,
          deliveryStatus: null,
          createdAt: new Date().toISOString(),
        },
        conversation: {
          id: w.id,
          status: closed.status,
          queueId: closed.queueId,
          assigneeId: closed.assigneeId,
          contactId: closed.contactId,
          channelKind: 'webchat',
        },
      },
      {
        type: 'message.delivery_changed',
        conversationId: w.id,
        messageId: randomUUID(),
        seq: 1,
        deliveryStatus: 'read',
      },
      { type: 'conversation.sla_breached', conversationId: w.id, queueId: qa.id, kind: 'resolution' },
      { type: 'agent.status_changed', userId: agentB.user.id, presence: 'away' },
    );
    await marker;
    // Being told it closed is the last thing B hears about it.
    expect(leaks(seen, [w.id]).map((e) => e.event)).toEqual(['conversation.updated']);
  });
});
