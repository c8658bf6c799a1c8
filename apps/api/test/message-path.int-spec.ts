import type { CustomerMessage, Message, Role } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSqlWireCounter, type SqlWireCounter } from './support/sql-wire-counter.js';
import { SessionService } from '../src/modules/auth/session.service.js';
import { SecuritySettingsService } from '../src/modules/settings/security-settings.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { handedOff, visitor } from './factories/conversations.factory.js';
import { tag } from './factories/names.js';
import { queueWith } from './factories/queues.factory.js';
import { createAgent, signedInAdmin } from './factories/users.factory.js';
import { createUser, signIn, startApi, type Client, type TestApi } from './support/api.js';
import { agentSocket, ask, closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';

/** Statements a message may cost on the wire, all included (session, access, write, audit, fan-out). */
const STATEMENTS_PER_MESSAGE = 4;
const MESSAGES = 10;

/**
 * The message path's cost and guarantees: a staff reply over `/agent` and a customer message over
 * `/customer` each take a bounded number of SQL statements (counted on the wire, between the API and
 * PostgreSQL), are stored with a gap-free `seq`, audited, and delivered to both sides; sending again
 * (one after the other or at once) stores one message.
 */
describe('message path', () => {
  let counter: SqlWireCounter;
  let api: TestApi;
  let admin: Client;
  let channelId: string;

  beforeAll(async () => {
    counter = await startSqlWireCounter(inject('databaseUrl'));
    api = await startApi({ DATABASE_URL: counter.url });
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await api?.close();
    await counter?.close();
  });

  /** An agent holding a customer's conversation, both connected, the agent's socket joined to it. */
  async function assignedConversation() {
    const user = await createAgent(api, { capacity: 3, displayName: `Agent ${tag()}` });
    const queue = await queueWith(admin, [{ userId: user.id }]);
    const client = await signIn(api, user);
    const staff = agentSocket(api, client);
    await connected(staff);
    await ask(staff, 'presence.set', { presence: 'available' });
    const customer = await visitor(api, channelId);
    const conversation = await handedOff(api, channelId, queue.id, { contactId: customer.contact.id });
    expect(conversation).toMatchObject({ status: 'assigned', assigneeId: user.id });
    const widget = customerSocket(api, customer.token);
    await connected(widget);
    await ask(staff, 'conversation.join', { conversationId: conversation.id });
    return { user, staff, widget, conversation, contactId: customer.contact.id };
  }

  const staffSend = (
    socket: Socket,
    conversationId: string,
    body: string,
    clientMessageId: string = randomUUID(),
  ) => ask<{ ok: true; message: Message }>(socket, 'message.send', { conversationId, body, clientMessageId });

  const customerSend = (
    socket: Socket,
    conversationId: string,
    body: string,
    clientMessageId: string = randomUUID(),
  ) =>
    ask<{ ok: true; message: CustomerMessage }>(socket, 'message.send', {
      conversationId,
      body,
      clientMessageId,
    });

  const arrival = <T extends { message: { seq: number } }>(socket: Socket, seq: number) =>
    waitFor<T>(socket, 'message.created', (m) => m.message.seq === seq);

  it(`a staff reply over /agent costs at most ${STATEMENTS_PER_MESSAGE} statements, stored, audited and delivered`, async () => {
    const { user, staff, widget, conversation } = await assignedConversation();
    // Warm: the first message of a connection may read what later ones find cached.
    await staffSend(staff, conversation.id, 'Hello, I am looking into it.');
    expect(
      (await api.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).firstResponseAt,
    ).not.toBeNull();

    counter.reset();
    for (let i = 0; i < MESSAGES; i += 1) {
      const seq = i + 2;
      const toCustomer = arrival<{ message: CustomerMessage }>(widget, seq);
      const toStaff = arrival<{ message: Message }>(staff, seq);
      const ack = await staffSend(staff, conversation.id, `Reply ${seq}`);
      expect(ack.message).toMatchObject({ seq, authorKind: 'agent', kind: 'reply', authorUserId: user.id });
      expect((await toCustomer).message).toMatchObject({ seq, body: `Reply ${seq}`, kind: 'reply' });
      expect((await toStaff).message).toMatchObject({ seq, id: ack.message.id, internal: false });
    }
    const statements = counter.statements();
    expect(statements / MESSAGES).toBeLessThanOrEqual(STATEMENTS_PER_MESSAGE);

    const last = await api.prisma.message.findUniqueOrThrow({
      where: { conversationId_seq: { conversationId: conversation.id, seq: MESSAGES + 1 } },
    });
    expect(last).toMatchObject({ body: `Reply ${MESSAGES + 1}`, authorUserId: user.id, internal: false });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: {
        action: 'message.created',
        targetId: conversation.id,
        data: { path: ['seq'], equals: last.seq },
      },
    });
    expect(audit).toMatchObject({
      actorId: user.id,
      actorEmail: user.email,
      actorRoles: ['agent'],
      result: 'success',
      targetType: 'conversation',
      userAgent: null,
      data: { seq: last.seq, messageId: last.id, kind: 'reply', internal: false, assigneeId: user.id },
    });
    expect(audit.ip).toBeTruthy();
    expect(audit.requestId).toBeTruthy();
  });

  it(`a customer message over /customer costs at most ${STATEMENTS_PER_MESSAGE} statements, stored, audited and delivered`, async () => {
    const { staff, widget, conversation, contactId } = await assignedConversation();
    await customerSend(widget, conversation.id, 'Warm-up');

    counter.reset();
    for (let i = 0; i < MESSAGES; i += 1) {
      const seq = i + 2;
      const toStaff = arrival<{ message: Message }>(staff, seq);
      const ack = await customerSend(widget, conversation.id, `Question ${seq}`);
      expect(ack.message).toMatchObject({ seq, authorKind: 'customer', authorName: null });
      expect((await toStaff).message).toMatchObject({ seq, id: ack.message.id, body: `Question ${seq}` });
    }
    expect(counter.statements() / MESSAGES).toBeLessThanOrEqual(STATEMENTS_PER_MESSAGE);

    const last = await api.prisma.message.findUniqueOrThrow({
      where: { conversationId_seq: { conversationId: conversation.id, seq: MESSAGES + 1 } },
    });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: {
        action: 'message.created',
        targetId: conversation.id,
        data: { path: ['seq'], equals: last.seq },
      },
    });
    expect(audit).toMatchObject({
      actorId: null,
      actorEmail: null,
      result: 'success',
      targetType: 'conversation',
      data: { seq: last.seq, messageId: last.id, author: 'customer', contactId, startedConversation: false },
    });
    expect(audit.requestId).toBeTruthy();
  });

  it('a retried send returns the stored message with its seq and writes nothing', async () => {
    const { staff, widget, conversation } = await assignedConversation();
    const staffFirst = await staffSend(staff, conversation.id, 'Once', 'staff-retry-1');
    const customerFirst = await customerSend(widget, conversation.id, 'Once too', 'customer-retry-1');
    const before = await Promise.all([
      api.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } }),
      api.prisma.message.count({ where: { conversationId: conversation.id } }),
      api.prisma.auditEvent.count({ where: { targetId: conversation.id } }),
    ]);

    const staffAgain = await staffSend(staff, conversation.id, 'Once', 'staff-retry-1');
    const customerAgain = await customerSend(widget, conversation.id, 'Once too', 'customer-retry-1');
    expect(staffAgain.message).toEqual(staffFirst.message);
    expect(customerAgain.message).toEqual(customerFirst.message);
    const after = await Promise.all([
      api.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } }),
      api.prisma.message.count({ where: { conversationId: conversation.id } }),
      api.prisma.auditEvent.count({ where: { targetId: conversation.id } }),
    ]);
    expect(after[0].lastSeq).toBe(before[0].lastSeq);
    expect(after.slice(1)).toEqual(before.slice(1));
  });

  it('the same message sent several times at once is stored once, and seq has no gap', async () => {
    const { staff, widget, conversation } = await assignedConversation();
    const staffAcks = await Promise.all(
      Array.from({ length: 5 }, () => staffSend(staff, conversation.id, 'At once', 'staff-burst-1')),
    );
    const customerAcks = await Promise.all(
      Array.from({ length: 5 }, () => customerSend(widget, conversation.id, 'Me too', 'customer-burst-1')),
    );
    expect(new Set(staffAcks.map((a) => a.message.id)).size).toBe(1);
    expect(new Set(customerAcks.map((a) => a.message.id)).size).toBe(1);
    const next = await staffSend(staff, conversation.id, 'After the burst');

    const rows = await api.prisma.message.findMany({
      where: { conversationId: conversation.id },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(rows.map((m) => m.body)).toEqual(['At once', 'Me too', 'After the burst']);
    expect(next.message.seq).toBe(3);
    expect(
      (await api.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).lastSeq,
    ).toBe(3);
  });

  it('a socket event is decided from the session its socket holds: no query, and past the idle timeout it ends', async () => {
    const user = await createAgent(api);
    const socket = agentSocket(api, await signIn(api, user));
    await connected(socket);
    const { id } = await api.prisma.session.findFirstOrThrow({ where: { userId: user.id, revokedAt: null } });
    const sessions = api.app.get(SessionService);
    const held = (await sessions.hold(id))!;
    const { sessionIdleMinutes } = await api.app.get(SecuritySettingsService).get();

    counter.reset();
    expect(await sessions.check(held)).toMatchObject({ id, userId: user.id, pending: null });
    expect(counter.statements()).toBe(0);

    // The tab stayed quiet past the idle timeout, and nothing else used the session: its next event
    // finds it over. (Idle as the socket sees it, the table has the last word: other tabs' requests
    // keep a session alive too.)
    const ended = waitFor<{ reason: string }>(socket, 'session.ended');
    const idle = new Date(Date.now() - (sessionIdleMinutes + 1) * 60_000);
    expect(await sessions.check({ ...held, lastSeenAt: idle })).toMatchObject({ id });
    await api.prisma.session.update({ where: { id }, data: { lastSeenAt: idle } });
    expect(await sessions.check({ ...held, lastSeenAt: idle })).toBeNull();
    expect(await ended).toMatchObject({ reason: 'idle_timeout' });
    expect(await api.prisma.session.findUniqueOrThrow({ where: { id } })).toMatchObject({
      revokedReason: 'idle_timeout',
    });
  });

  it("a renamed agent's next message over the socket carries the new name", async () => {
    const { user, staff, conversation } = await assignedConversation();
    const before = await api.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect((await staffSend(staff, conversation.id, 'Before')).message.authorName).toBe(before.displayName);
    const renamed = `Renamed ${tag()}`;
    expect((await admin.request('PATCH', `/api/v1/users/${user.id}`, { displayName: renamed })).status).toBe(
      200,
    );
    const after = await staffSend(staff, conversation.id, 'After');
    expect(after.message.authorName).toBe(renamed);
    expect(
      await api.prisma.message.findUniqueOrThrow({
        where: { id: after.message.id },
        include: { author: true },
      }),
    ).toMatchObject({ author: { displayName: renamed } });
  });

  it('a permission taken from a role mid-connection refuses the next event of its sockets', async () => {
    const agentRole = (await admin.get<Role[]>('/api/v1/roles')).body.find((r) => r.name === 'agent')!;
    const desk = (
      await admin.post<Role>('/api/v1/roles', { name: `desk-${tag()}`, permissions: agentRole.permissions })
    ).body;
    const user = await createUser(api, { roles: [desk.name] });
    const socket = agentSocket(api, await signIn(api, user));
    await connected(socket);
    const attempt = () =>
      ask<{ error?: { code: string } }>(socket, 'message.send', {
        conversationId: randomUUID(),
        body: 'Hi',
        clientMessageId: randomUUID(),
      });
    // Allowed to try (the conversation just is not theirs to see).
    expect((await attempt()).error?.code).toBe('not_found');

    const withoutReply = agentRole.permissions.filter((p) => p !== 'conversation:reply');
    const edited = await admin.request('PUT', `/api/v1/roles/${desk.id}`, {
      name: desk.name,
      permissions: withoutReply,
    });
    expect(edited.status).toBe(200);
    expect((await attempt()).error?.code).toBe('forbidden');
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'access.denied', actorId: user.id, targetId: 'SOCKET /agent message.send' },
      }),
    ).toMatchObject({ result: 'denied', data: { reason: 'missing_permission' } });
  });
});
