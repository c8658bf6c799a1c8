import type { Conversation, Message, SupervisorOverview } from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import {
  AgentConnectionsService,
  DISCONNECT_GRACE_JOB,
} from '../src/modules/agents/agent-connections.service.js';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';
import { RoutingEngine } from '../src/modules/routing/routing.engine.js';
import { webchatChannel } from './factories/channels.factory.js';
import { createContact, handedOff, visitor } from './factories/conversations.factory.js';
import { createQueue, queueWith, setMembers } from './factories/queues.factory.js';
import { createAgent, signedInAdmin } from './factories/users.factory.js';
import { Client, createUser, eventually, signIn, startApi, type TestApi } from './support/api.js';
import { drainQueues } from './support/queues.js';
import {
  agentSocket as connect,
  ask,
  closeSockets,
  connected,
  customerSocket,
  waitFor,
} from './support/sockets.js';
import { capturingLogger, testEnv } from './support/test-env.js';

describe('realtime gateway (/agent)', () => {
  let a: TestApi;
  let b: TestApi;
  /** Like `a` and `b`, with a 1-second grace after an agent's last socket drops. */
  let c: TestApi;
  let admin: Client;
  let channelId: string;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startApi(),
      startApi(),
      startApi({ AGENT_DISCONNECT_GRACE_SECONDS: '1' }),
    ]);
    admin = await signedInAdmin(a);
    channelId = (await webchatChannel(a)).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  const next = <T>(socket: Socket, event: string, timeoutMs = 3_000) =>
    waitFor<T>(socket, event, () => true, timeoutMs);

  async function agentInQueue() {
    const user = await createAgent(a, { capacity: 3 });
    const queue = await queueWith(admin, [{ userId: user.id }]);
    return { queue, user, client: await signIn(a, user) };
  }

  const handoff = (queueId: string) => handedOff(a, channelId, queueId);

  it('refuses a handshake without a signed-in session, from another origin, or before MFA', async () => {
    const refused = (socket: Socket) =>
      new Promise<string>((resolve) => socket.once('connect_error', (err: Error) => resolve(err.message)));
    expect(await refused(connect(a))).toBe('unauthenticated');

    const { client } = await agentInQueue();
    expect(await refused(connect(a, client, { origin: 'https://evil.example' }))).toBe('unauthenticated');

    const supervisor = await createUser(a, { roles: ['supervisor'] });
    const pending = new Client(a.base);
    await pending.post('/api/v1/auth/login', { email: supervisor.email, password: supervisor.password });
    expect(await refused(connect(a, pending))).toBe('unauthenticated');

    const reasons = (
      await a.prisma.auditEvent.findMany({ where: { action: 'access.denied', targetId: '/agent connect' } })
    ).map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining(['no_session', 'cross_origin', 'pending_mfa_enrolment']));
  });

  it('tells an agent on one instance about an assignment made on another, at once', async () => {
    const { queue, client } = await agentInQueue();
    const socket = connect(b, client);
    await connected(socket);
    const assigned = next<{ conversation: Conversation }>(socket, 'conversation.assigned');
    await ask(socket, 'presence.set', { presence: 'available' });
    const conversation = await handoff(queue.id);
    expect((await assigned).conversation).toMatchObject({ id: conversation.id, status: 'assigned' });
  });

  it('acknowledges a sent message with its seq, idempotently, and delivers it to the other tab', async () => {
    const { queue, client } = await agentInQueue();
    const tab1 = connect(a, client);
    const tab2 = connect(b, client);
    await Promise.all([connected(tab1), connected(tab2)]);
    await ask(tab1, 'presence.set', { presence: 'available' });
    const conversation = await handoff(queue.id);

    const delivered = next<{ message: Message }>(tab2, 'message.created');
    const payload = {
      conversationId: conversation.id,
      body: 'Hi there!',
      clientMessageId: 'socket-msg-0001',
    };
    const first = await ask<{ ok: true; message: Message }>(tab1, 'message.send', payload);
    expect(first).toMatchObject({ ok: true, message: { seq: 1, body: 'Hi there!' } });
    expect((await delivered).message).toMatchObject({ seq: 1, conversationId: conversation.id });
    const again = await ask<{ message: Message }>(tab1, 'message.send', payload);
    expect(again.message.id).toBe(first.message.id);

    await ask(tab1, 'message.send', { ...payload, clientMessageId: 'socket-msg-0002', body: 'Second' });
    const caughtUp = await ask<{ messages: Message[] }>(tab2, 'messages.fetch', {
      conversationId: conversation.id,
      afterSeq: 1,
    });
    expect(caughtUp.messages.map((m) => [m.seq, m.body])).toEqual([[2, 'Second']]);
  });

  it('validates every event and checks its permission, auditing refusals', async () => {
    const { client } = await agentInQueue();
    const socket = connect(a, client);
    await connected(socket);
    const invalid = await ask<{ error: { code: string } }>(socket, 'message.send', { body: '' });
    expect(invalid.error.code).toBe('validation_failed');

    const adminSocket = connect(a, admin);
    await connected(adminSocket);
    const refused = await ask<{ error: { code: string } }>(adminSocket, 'presence.set', {
      presence: 'available',
    });
    expect(refused.error.code).toBe('forbidden');
    expect(
      await a.prisma.auditEvent.findFirst({
        where: { action: 'access.denied', targetId: 'SOCKET /agent presence.set' },
        orderBy: { seq: 'desc' },
      }),
    ).toMatchObject({ result: 'denied', data: { reason: 'missing_permission' } });

    const hidden = await ask<{ error: { code: string } }>(socket, 'conversation.join', {
      conversationId: randomUUID(),
    });
    expect(hidden.error.code).toBe('not_found');
  });

  it('keeps an agent of queue A out of a conversation of queue B over REST and socket, auditing each try', async () => {
    const owner = await agentInQueue();
    await owner.client.request('PUT', '/api/v1/agents/me/presence', { presence: 'available' });
    const conversation = await handoff(owner.queue.id);
    const outsider = await agentInQueue();
    const socket = connect(a, outsider.client);
    await connected(socket);
    const ref = { conversationId: conversation.id };
    const attempts = [
      await ask<{ error: { code: string } }>(socket, 'conversation.join', ref),
      await ask<{ error: { code: string } }>(socket, 'messages.fetch', { ...ref, afterSeq: 0 }),
      await ask<{ error: { code: string } }>(socket, 'message.send', {
        ...ref,
        body: 'hi',
        clientMessageId: 'intruder-0001',
      }),
    ];
    expect(attempts.map((r) => r.error.code)).toEqual(['not_found', 'not_found', 'not_found']);
    for (const path of ['', '/messages']) {
      expect((await outsider.client.get(`/api/v1/conversations/${conversation.id}${path}`)).status).toBe(404);
    }
    expect((await outsider.client.post(`/api/v1/conversations/${conversation.id}/resolve`)).status).toBe(404);
    expect(
      await a.prisma.auditEvent.count({
        where: {
          action: 'access.denied',
          actorId: outsider.user.id,
          targetId: conversation.id,
          result: 'denied',
        },
      }),
    ).toBe(6);
    expect(await a.prisma.message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });

  it('delivers changes made by the worker too (its routing sweep assigns what no event announced)', async () => {
    const worker = await createWorker(testEnv(), capturingLogger('warn').logger);
    await worker.init();
    try {
      const { queue, user, client } = await agentInQueue();
      const socket = connect(a, client);
      await connected(socket);
      await ask(socket, 'presence.set', { presence: 'available' });
      // Queued behind the engine's back: no domain event, so only the worker's sweep can find it.
      const contact = await createContact(a, channelId);
      const assigned = next<{ conversation: Conversation }>(socket, 'conversation.assigned');
      const silent = await a.prisma.conversation.create({
        data: {
          channelId,
          contactId: contact.id,
          status: 'queued',
          queueId: queue.id,
          waitingSince: new Date(),
        },
      });
      // What the worker's sweep does every few seconds, run now so the test does not wait for the timer.
      await worker.get(RoutingEngine).route({ queueId: queue.id });
      expect((await assigned).conversation).toMatchObject({ id: silent.id, assigneeId: user.id });
    } finally {
      await worker.close();
    }
  });

  it('keeps an agent online while any tab is open; after the grace period their conversations go back', async () => {
    const worker = await createWorker(testEnv(), capturingLogger('warn').logger);
    await worker.init();
    try {
      const { queue, user, client } = await agentInQueue();
      const tab1 = connect(c, client);
      const tab2 = connect(c, client);
      await Promise.all([connected(tab1), connected(tab2)]);
      await ask(tab1, 'presence.set', { presence: 'available' });
      const conversation = await handoff(queue.id);
      expect(conversation.assigneeId).toBe(user.id);
      const before = await a.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });

      const graceJobs = async () =>
        (
          await worker
            .get(JobsService)
            .queue(QueueName.System)
            .getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'])
        ).filter((job) => job.name === DISCONNECT_GRACE_JOB && job.data.userId === user.id);

      tab1.disconnect();
      // The instance has taken the tab off the agent's live sockets, and any grace period that
      // started has run out: none did, since the other tab is still open.
      const connections = c.app.get(AgentConnectionsService);
      expect(
        await eventually(
          () => connections.liveCount(user.id),
          (n) => n === 1,
        ),
      ).toBe(1);
      await drainQueues(worker, [QueueName.System], {
        only: (job) => job.name === DISCONNECT_GRACE_JOB && job.data.userId === user.id,
      });
      expect(await a.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toMatchObject(
        {
          status: 'assigned',
          assigneeId: user.id,
        },
      );

      const colleague = await createAgent(a, { capacity: 2 });
      await setMembers(admin, queue.id, [{ userId: user.id }, { userId: colleague.id }]);
      const colleagueSocket = connect(c, await signIn(a, colleague));
      await connected(colleagueSocket);
      await ask(colleagueSocket, 'presence.set', { presence: 'available' });
      const handedOver = next<{ conversation: Conversation }>(
        colleagueSocket,
        'conversation.assigned',
        6_000,
      );
      tab2.disconnect();
      expect((await handedOver).conversation.id).toBe(conversation.id);

      const after = await a.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
      expect(after.waitingSince).toEqual(before.waitingSince);
      expect(await a.prisma.agentState.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({
        presence: 'offline',
        activeCount: 0,
      });
      expect(
        await a.prisma.auditEvent.findFirst({
          where: { action: 'agent.status_changed', targetId: user.id, actorId: null },
        }),
      ).toMatchObject({ data: { to: 'offline', reason: 'disconnected' } });
      // One grace period, started by the last tab; closing the first one started none.
      expect(await graceJobs()).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });

  it('disconnects every socket of a disabled user, on every instance, within a second', async () => {
    const { user, client } = await agentInQueue();
    const onA = connect(a, client);
    const onB = connect(b, client);
    await Promise.all([connected(onA), connected(onB)]);
    const gone = Promise.all([next(onA, 'disconnect', 1_000), next(onB, 'disconnect', 1_000)]);
    expect((await admin.post(`/api/v1/users/${user.id}/disable`)).status).toBe(200);
    await gone;
  });

  it('gives supervisors a snapshot of their queues and pushes each change', async () => {
    const { queue, user: agentUser } = await agentInQueue();
    const other = await agentInQueue();
    const supervisor = await createUser(a, { roles: ['supervisor'], mfa: true });
    await setMembers(admin, queue.id, [
      { userId: agentUser.id },
      { userId: supervisor.id, isSupervisor: true },
    ]);
    await handoff(queue.id); // nobody available: it waits
    const late = await handoff(queue.id);
    await a.prisma.conversation.update({
      where: { id: late.id },
      data: { firstResponseDueAt: new Date(Date.now() - 1_000) },
    });
    const client = await signIn(a, supervisor);
    const snapshot = await client.get<SupervisorOverview>('/api/v1/supervisor/overview');
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.queues.map((q) => q.id)).toEqual([queue.id]);
    expect(snapshot.body.queues[0]).toMatchObject({ waiting: 2, slaBreached: 1 });
    expect(snapshot.body.queues[0]!.longestWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(snapshot.body.agents.map((x) => x.userId)).toContain(agentUser.id);
    expect(snapshot.body.agents.map((x) => x.userId)).not.toContain(other.user.id);

    const socket = connect(b, client);
    await connected(socket);
    // Pushes also follow other changes (other tests run in parallel); wait for the one showing this handoff.
    const pushed = new Promise<SupervisorOverview>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no push showing 3 waiting within 3 s')), 3_000);
      socket.on('supervisor.overview_changed', (update: SupervisorOverview) => {
        if (update.queues[0]?.id === queue.id && update.queues[0].waiting === 3) {
          clearTimeout(timer);
          resolve(update);
        }
      });
    });
    await handoff(queue.id);
    const update = await pushed;
    expect(update.queues).toHaveLength(1);
    expect(update.agents.map((x) => x.userId)).toEqual([agentUser.id]);
  });

  describe('customers (/customer)', () => {
    async function customer(api: TestApi) {
      const { contact, token } = await visitor(a, channelId);
      const socket = customerSocket(api, token);
      await connected(socket);
      return { contact, socket };
    }

    it('refuses a forged visitor token', async () => {
      const socket = customerSocket(a, 'v1.e30.forged');
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('invalid_visitor_token');
    });

    it('lets a customer on one instance and an agent on another talk live; notes stay internal', async () => {
      const { queue, client } = await agentInQueue();
      const agentSocket = connect(b, client);
      await connected(agentSocket);
      await ask(agentSocket, 'presence.set', { presence: 'available' });
      const { socket: customerSocket } = await customer(a);

      const first = await ask<{ message: { conversationId: string; seq: number } }>(
        customerSocket,
        'message.send',
        {
          body: 'I want a refund',
          clientMessageId: 'customer-msg-0001',
        },
      );
      expect(first.message.seq).toBe(1);
      const conversationId = first.message.conversationId;
      const assigned = next<{ conversation: Conversation }>(agentSocket, 'conversation.assigned');
      await a.app
        .get(ConversationsService)
        .handoff(conversationId, { queueId: queue.id, reason: 'customer_asked' });
      expect((await assigned).conversation.id).toBe(conversationId);

      const received = next<{ message: Message }>(customerSocket, 'message.created');
      await ask(agentSocket, 'message.send', {
        conversationId,
        body: 'Checking internally',
        clientMessageId: 'agent-note-0001',
        internal: true,
      });
      await ask(agentSocket, 'message.send', {
        conversationId,
        body: 'Happy to help!',
        clientMessageId: 'agent-msg-0001',
      });
      expect((await received).message).toMatchObject({ seq: 3, body: 'Happy to help!', authorKind: 'agent' });

      // The agent's own reply reaches its socket too, possibly after this: wait for the customer's.
      const toAgent = waitFor<{ message: Message }>(
        agentSocket,
        'message.created',
        ({ message }) => message.authorKind === 'customer',
      );
      await ask(customerSocket, 'message.send', {
        conversationId,
        body: 'Thanks!',
        clientMessageId: 'customer-msg-0002',
      });
      expect((await toAgent).message).toMatchObject({ seq: 4, authorKind: 'customer', body: 'Thanks!' });

      const history = await ask<{ messages: Message[] }>(customerSocket, 'messages.fetch', {
        conversationId,
        afterSeq: 0,
      });
      expect(history.messages.map((m) => m.seq)).toEqual([1, 3, 4]);
    });

    it('an agent whose socket dropped gets exactly the messages sent meanwhile, none twice', async () => {
      const { queue, client } = await agentInQueue();
      let agentSocket = connect(b, client);
      await connected(agentSocket);
      await ask(agentSocket, 'presence.set', { presence: 'available' });
      const { socket: customerSocket } = await customer(a);
      const first = await ask<{ message: { conversationId: string } }>(customerSocket, 'message.send', {
        body: 'Hello?',
        clientMessageId: 'drop-msg-0001',
      });
      const conversationId = first.message.conversationId;
      await a.app.get(ConversationsService).handoff(conversationId, { queueId: queue.id });
      await a.app.get(RoutingEngine).idle();
      const seen = new Set<number>([1]);

      agentSocket.disconnect();
      for (const [i, body] of ['Are you there?', 'Still waiting'].entries()) {
        await ask(customerSocket, 'message.send', {
          conversationId,
          body,
          clientMessageId: `drop-msg-100${i}`,
        });
      }

      agentSocket = connect(b, client);
      const live: Message[] = [];
      agentSocket.on('message.created', ({ message }: { message: Message }) => live.push(message));
      await connected(agentSocket);
      const missed = await ask<{ messages: Message[] }>(agentSocket, 'messages.fetch', {
        conversationId,
        afterSeq: Math.max(...seen),
      });
      expect(missed.messages.map((m) => [m.seq, m.body])).toEqual([
        [2, 'Are you there?'],
        [3, 'Still waiting'],
      ]);
      for (const m of missed.messages) seen.add(m.seq);

      const arrived = next<{ message: Message }>(agentSocket, 'message.created');
      await ask(customerSocket, 'message.send', {
        conversationId,
        body: 'Hello again',
        clientMessageId: 'drop-msg-2000',
      });
      expect((await arrived).message.seq).toBe(4);
      expect(live.map((m) => m.seq)).toEqual([4]);
    });

    it('shows typing both ways, and lets a supervisor whisper to the agent or barge in to the customer', async () => {
      const { queue, user: agentUser, client } = await agentInQueue();
      const supervisor = await createUser(a, { roles: ['supervisor'], mfa: true });
      await setMembers(admin, queue.id, [
        { userId: agentUser.id },
        { userId: supervisor.id, isSupervisor: true },
      ]);
      const agentSocket = connect(a, client);
      await connected(agentSocket);
      await ask(agentSocket, 'presence.set', { presence: 'available' });
      const { socket: customerSocket } = await customer(b);
      const first = await ask<{ message: { conversationId: string } }>(customerSocket, 'message.send', {
        body: 'Help',
        clientMessageId: 'typing-msg-0001',
      });
      const conversationId = first.message.conversationId;
      await a.app.get(ConversationsService).handoff(conversationId, { queueId: queue.id });
      await a.app.get(RoutingEngine).idle();

      const agentTyping = next<{ author: string; typing: boolean }>(customerSocket, 'typing.changed');
      await ask(agentSocket, 'typing.set', { conversationId, typing: true });
      expect(await agentTyping).toMatchObject({ author: 'agent', typing: true });
      const customerTyping = next<{ author: string }>(agentSocket, 'typing.changed');
      await ask(customerSocket, 'typing.set', { conversationId, typing: true });
      expect((await customerTyping).author).toBe('customer');

      const boss = await signIn(a, supervisor);
      const whisperSeen = next<{ message: Message }>(agentSocket, 'message.created');
      const whisper = await boss.post<Message>(`/api/v1/conversations/${conversationId}/whisper`, {
        body: 'Offer the voucher',
        clientMessageId: 'whisper-0001',
      });
      expect(whisper.body).toMatchObject({ internal: true, authorUserId: supervisor.id });
      expect((await whisperSeen).message.body).toBe('Offer the voucher');

      const bargeSeen = next<{ message: Message }>(customerSocket, 'message.created');
      await boss.post(`/api/v1/conversations/${conversationId}/barge-in`, {
        body: 'Hello, I am the team lead.',
        clientMessageId: 'barge-0001',
      });
      expect((await bargeSeen).message.body).toBe('Hello, I am the team lead.');
      const history = await ask<{ messages: Message[] }>(customerSocket, 'messages.fetch', {
        conversationId,
        afterSeq: 0,
      });
      expect(history.messages.map((m) => m.body)).toEqual(['Help', 'Hello, I am the team lead.']);

      const actions = (
        await a.prisma.auditEvent.findMany({ where: { targetId: conversationId, actorId: supervisor.id } })
      ).map((e) => e.action);
      expect(actions.sort()).toEqual(['conversation.barged_in', 'conversation.whispered']);
      expect(
        (
          await client.post(`/api/v1/conversations/${conversationId}/whisper`, {
            body: 'x',
            clientMessageId: 'agent-whisper-1',
          })
        ).status,
      ).toBe(403);
    });

    it('tells waiting customers their place in the queue, and updates it as the queue moves', async () => {
      const queue = await createQueue(admin);
      const waiting: { socket: Socket; conversationId: string }[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { socket } = await customer(a);
        const sent = await ask<{ message: { conversationId: string } }>(socket, 'message.send', {
          body: `Customer ${i}`,
          clientMessageId: `wait-msg-000${i}`,
        });
        waiting.push({ socket, conversationId: sent.message.conversationId });
      }
      const positions = (socket: Socket) =>
        next<{ position: number; estimatedWaitSeconds: number | null }>(socket, 'queue.position_changed');
      for (const w of waiting) {
        const mine = positions(w.socket);
        await a.app.get(ConversationsService).handoff(w.conversationId, { queueId: queue.id });
        expect((await mine).position).toBe(waiting.indexOf(w) + 1);
      }

      const agentUser = await createAgent(a, { capacity: 1, presence: 'available' });
      const moved = [positions(waiting[1]!.socket), positions(waiting[2]!.socket)];
      await setMembers(admin, queue.id, [{ userId: agentUser.id }]);
      expect((await Promise.all(moved)).map((p) => p.position)).toEqual([1, 2]);
    });
  });
});
