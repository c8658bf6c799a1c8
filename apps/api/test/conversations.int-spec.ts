import type { Conversation, ConversationPage, Message } from '@baton/contracts';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createWorker } from '../src/bootstrap.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import {
  OfferTimeoutHandler,
  SlaCheckHandler,
} from '../src/modules/conversations/conversation-timers.handlers.js';
import { CLOSE_JOB } from '../src/modules/conversations/conversation-timers.service.js';
import { AgentsService } from '../src/modules/agents/agents.service.js';
import { QueuePositionsService } from '../src/modules/routing/queue-positions.service.js';
import { RoutingEngine } from '../src/modules/routing/routing.engine.js';
import { createUser, signIn, startApi, type Client, type TestApi, type TestUser } from './support/api.js';
import { webchatChannel } from './factories/channels.factory.js';
import { routingFactory } from './factories/routing.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { drainQueues } from './support/queues.js';
import { capturingLogger, testEnv } from './support/test-env.js';

describe('conversations, queues and routing', () => {
  let api: TestApi;
  let other: TestApi;
  /** Closes resolved conversations after 1 second. */
  let quick: TestApi;
  let admin: Client;
  let channelId: string;
  const { queue, members, agent, setPresence, handedOff, routed } = routingFactory(() => ({
    api,
    admin,
    channelId,
  }));

  beforeAll(async () => {
    [api, other, quick] = await Promise.all([
      startApi(),
      startApi(),
      startApi({ CONVERSATION_CLOSE_AFTER_SECONDS: '1' }),
    ]);
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  });
  afterAll(async () => {
    await Promise.all([api?.close(), other?.close(), quick?.close()]);
  });

  const current = (id: string) => api.prisma.conversation.findUniqueOrThrow({ where: { id } });

  it('hands a conversation to the least busy available agent at once, and records why', async () => {
    const q = await queue();
    const busy = await agent(3);
    const idle = await agent(3);
    const away = await agent(3, 'away');
    await members(q.id, [{ userId: busy.user.id }, { userId: idle.user.id }, { userId: away.user.id }]);
    await handedOff(q.id); // goes to one of the two available agents
    const first = await api.prisma.conversation.findFirstOrThrow({ where: { queueId: q.id } });
    const secondAgent = first.assigneeId === busy.user.id ? idle : busy;

    const conversation = await handedOff(q.id);
    expect(conversation).toMatchObject({ status: 'assigned', assigneeId: secondAgent.user.id });

    const decision = await api.prisma.routingDecision.findFirstOrThrow({
      where: { conversationId: conversation.id },
    });
    expect(decision).toMatchObject({ mode: 'least_busy', chosenUserId: secondAgent.user.id });
    expect(decision.reason).toBe('least busy: 0/3');
    expect(decision.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: away.user.id, eligible: false, reason: 'not available (away)' }),
        expect.objectContaining({ userId: first.assigneeId, eligible: true, reason: 'busier: 1/3' }),
      ]),
    );
    const timeline = await api.prisma.conversationEvent.findMany({
      where: { conversationId: conversation.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(timeline.map((e) => e.type)).toEqual(['conversation.handed_off', 'conversation.assigned']);
    const audited = await api.prisma.auditEvent.findMany({ where: { targetId: conversation.id } });
    expect(audited.map((e) => e.action).sort()).toEqual(['conversation.assigned', 'conversation.handed_off']);
  });

  it('waits while nobody is eligible, and assigns the moment an agent becomes available', async () => {
    const q = await queue({ requiredSkills: ['spanish'] });
    const noSkill = await agent(2);
    const speaker = await agent(2, 'away');
    await members(q.id, [{ userId: noSkill.user.id }, { userId: speaker.user.id, skills: ['spanish'] }]);
    const conversation = await handedOff(q.id);
    expect(conversation.status).toBe('queued');

    await setPresence(speaker.client, 'available');
    expect(await current(conversation.id)).toMatchObject({ status: 'assigned', assigneeId: speaker.user.id });
    const decision = await api.prisma.routingDecision.findFirstOrThrow({
      where: { conversationId: conversation.id },
    });
    expect(decision.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: noSkill.user.id,
          eligible: false,
          reason: 'missing skills: spanish',
        }),
      ]),
    );
  });

  it('serves higher queue priority first, then conversation priority, then the longest waiting', async () => {
    const low = await queue({ priority: 0 });
    const high = await queue({ priority: 10 });
    const a = await agent(1, 'away');
    await members(low.id, [{ userId: a.user.id }]);
    await members(high.id, [{ userId: a.user.id }]);
    const oldLow = await handedOff(low.id, 5);
    const highQueue = await handedOff(high.id, 0);
    await setPresence(a.client, 'available');
    expect(await current(highQueue.id)).toMatchObject({ status: 'assigned' });
    expect(await current(oldLow.id)).toMatchObject({ status: 'queued' });
  });

  it('frees capacity on resolve and routes the next waiting conversation to that agent', async () => {
    const q = await queue();
    const a = await agent(1);
    await members(q.id, [{ userId: a.user.id }]);
    const first = await handedOff(q.id);
    const second = await handedOff(q.id);
    expect([first.status, second.status]).toEqual(['assigned', 'queued']);

    const resolved = await a.client.post<Conversation>(`/api/v1/conversations/${first.id}/resolve`);
    expect(resolved.body.status).toBe('resolved');
    await routed();
    expect(await current(second.id)).toMatchObject({ status: 'assigned', assigneeId: a.user.id });
    const state = await api.prisma.agentState.findUniqueOrThrow({ where: { userId: a.user.id } });
    expect(state.activeCount).toBe(1);
  });

  it("lets an admin set an agent's capacity, refusing less than they hold; more room routes at once", async () => {
    const q = await queue();
    const a = await agent(1);
    await members(q.id, [{ userId: a.user.id }]);
    await handedOff(q.id);
    const waiting = await handedOff(q.id);
    expect(waiting.status).toBe('queued');
    const tooLow = await admin.request('PUT', `/api/v1/agents/${a.user.id}/capacity`, { capacity: 1 });
    expect(tooLow.status).toBe(200);
    const raised = await admin.request('PUT', `/api/v1/agents/${a.user.id}/capacity`, { capacity: 2 });
    expect(raised.body).toMatchObject({ capacity: 2 });
    await routed();
    expect(await api.prisma.agentState.findUniqueOrThrow({ where: { userId: a.user.id } })).toMatchObject({
      capacity: 2,
      activeCount: 2,
    });
    expect(await current(waiting.id)).toMatchObject({ status: 'assigned', assigneeId: a.user.id });
    const lowered = await admin.request('PUT', `/api/v1/agents/${a.user.id}/capacity`, { capacity: 1 });
    expect(lowered.status).toBe(409);
    expect(lowered.body).toMatchObject({ error: { code: 'agents.capacity_below_load' } });
    expect(
      await api.prisma.auditEvent.count({ where: { action: 'agent.capacity_changed', targetId: a.user.id } }),
    ).toBe(2);
    expect(
      (await a.client.request('PUT', `/api/v1/agents/${a.user.id}/capacity`, { capacity: 9 })).status,
    ).toBe(403);
  });

  it('sends available agents idle past the auto-away time away, but not active ones', async () => {
    const idle = await agent(1);
    const busy = await agent(1);
    await api.prisma.agentState.update({
      where: { userId: idle.user.id },
      data: { lastActivityAt: new Date(Date.now() - 20 * 60_000) },
    });
    const away = await api.app.get(AgentsService).awayWhenIdle();
    expect(away).toContain(idle.user.id);
    expect(away).not.toContain(busy.user.id);
    expect(
      (await api.prisma.agentState.findUniqueOrThrow({ where: { userId: idle.user.id } })).presence,
    ).toBe('away');
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'agent.status_changed', targetId: idle.user.id, actorId: null },
      }),
    ).toMatchObject({ data: { to: 'away', reason: 'idle' } });
  });

  it('shows the timeline to the agent and "why was this routed here" to a supervisor', async () => {
    const q = await queue();
    const a = await agent(1);
    const boss = await createUser(api, { roles: ['supervisor'], mfa: true });
    await members(q.id, [{ userId: a.user.id }, { userId: boss.id, isSupervisor: true }]);
    const c = await handedOff(q.id);
    const timeline = await a.client.get<{ type: string }[]>(`/api/v1/conversations/${c.id}/timeline`);
    expect(timeline.body.map((e) => e.type)).toEqual(['conversation.handed_off', 'conversation.assigned']);
    expect((await a.client.get(`/api/v1/conversations/${c.id}/routing-decisions`)).status).toBe(403);
    const why = await (
      await signIn(api, boss)
    ).get<{ chosenUserId: string; reason: string; candidates: unknown[] }[]>(
      `/api/v1/conversations/${c.id}/routing-decisions`,
    );
    expect(why.body).toEqual([
      expect.objectContaining({
        chosenUserId: a.user.id,
        reason: 'least busy: 0/1',
        candidates: expect.any(Array),
      }),
    ]);
  });

  it('answers an illegal move with 409 and a code, changing nothing', async () => {
    const q = await queue();
    const a = await agent(1);
    await members(q.id, [{ userId: a.user.id }]);
    const c = await handedOff(q.id);
    expect((await a.client.post(`/api/v1/conversations/${c.id}/resolve`)).status).toBe(200);
    const again = await a.client.post(`/api/v1/conversations/${c.id}/resolve`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conversations.illegal_transition' } });
    expect((await current(c.id)).status).toBe('resolved');
  });

  it('stores replies idempotently with a gap-free seq, and back-fills exactly what a client missed', async () => {
    const q = await queue();
    const a = await agent(1);
    await members(q.id, [{ userId: a.user.id }]);
    const c = await handedOff(q.id);
    const send = (body: string, clientMessageId: string, internal = false) =>
      a.client.post<Message>(`/api/v1/conversations/${c.id}/messages`, { body, clientMessageId, internal });

    const one = await send('Hello, I can help.', 'client-msg-0001');
    const retry = await send('Hello, I can help.', 'client-msg-0001');
    expect(one.status).toBe(201);
    expect(retry.body).toEqual(one.body);
    const note = await send('Customer sounds upset', 'client-msg-0002', true);
    const two = await send('Could you share the order number?', 'client-msg-0003');
    expect([one.body.seq, note.body.seq, two.body.seq]).toEqual([1, 2, 3]);
    expect(note.body.internal).toBe(true);

    const missed = await a.client.get<Message[]>(`/api/v1/conversations/${c.id}/messages?afterSeq=1`);
    expect(missed.body.map((m) => m.seq)).toEqual([2, 3]);
    expect((await current(c.id)).firstResponseAt).not.toBeNull();
    expect(await api.prisma.auditEvent.count({ where: { targetId: c.id, action: 'message.created' } })).toBe(
      3,
    );
  });

  it('lists each conversation with its channel and last message a customer can see, never a note, and no name', async () => {
    const q = await queue();
    const a = await agent(2);
    await members(q.id, [{ userId: a.user.id }]);
    const c = await handedOff(q.id);
    const send = (body: string, clientMessageId: string, internal = false) =>
      a.client.post<Message>(`/api/v1/conversations/${c.id}/messages`, { body, clientMessageId, internal });
    await send('Hello, I can help with the refund.', 'list-msg-0001');
    await send('Refund over the limit, ask finance', 'list-msg-0002', true);

    const list = await a.client.get<ConversationPage>('/api/v1/conversations');
    const row = list.body.items.find((x) => x.id === c.id);
    const channel = await api.prisma.channel.findUniqueOrThrow({ where: { id: channelId } });
    expect(row).toMatchObject({
      channelName: channel.name,
      lastMessage: { authorKind: 'agent', body: 'Hello, I can help with the refund.' },
    });
    expect(JSON.stringify(row)).not.toMatch(/"name"/);
    // Reading the list reveals no personal data, so no customer view is audited for it.
    expect(
      await api.prisma.auditEvent.count({
        where: { targetId: c.id, action: 'conversation.customer_viewed' },
      }),
    ).toBe(0);
  });

  it('hides conversations of other queues: 404, and the attempt is audited', async () => {
    const q = await queue();
    const a = await agent(1);
    await members(q.id, [{ userId: a.user.id }]);
    const c = await handedOff(q.id);
    const outsider = await agent(1);
    const reply = await outsider.client.get(`/api/v1/conversations/${c.id}`);
    expect(reply.status).toBe(404);
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'access.denied', actorId: outsider.user.id, targetId: c.id },
      }),
    ).toMatchObject({ result: 'denied', data: { reason: 'record_not_visible' } });
    const list = await outsider.client.get<ConversationPage>('/api/v1/conversations');
    expect(list.body.items.map((x) => x.id)).not.toContain(c.id);
  });

  it('returns an unassigned conversation to its original place in the queue', async () => {
    const q = await queue();
    const a = await agent(1);
    const b = await agent(1, 'away');
    await members(q.id, [{ userId: a.user.id }, { userId: b.user.id }]);
    const c = await handedOff(q.id);
    const before = await current(c.id);
    await setPresence(a.client, 'away');
    expect((await a.client.post(`/api/v1/conversations/${c.id}/unassign`)).status).toBe(200);
    const after = await current(c.id);
    expect(after).toMatchObject({ status: 'queued', assigneeId: null });
    expect(after.waitingSince).toEqual(before.waitingSince);
    await setPresence(b.client, 'available');
    expect(await current(c.id)).toMatchObject({ status: 'assigned', assigneeId: b.user.id });
  });

  it('never double-assigns nor overfills an agent when two instances route at once', async () => {
    const q = await queue();
    const agents: { user: TestUser; client: Client }[] = [];
    for (let i = 0; i < 5; i += 1) agents.push(await agent(3, 'away'));
    await members(
      q.id,
      agents.map((x) => ({ userId: x.user.id })),
    );
    // 40 handoffs split across both instances, all at once, while agents come online.
    const handoffs = Array.from({ length: 40 }, (_, i) => handedOff(q.id, 0, i % 2 === 0 ? api : other));
    const online = agents
      .map((x, i) => x.client.on(i % 2 === 0 ? api.base : other.base))
      .map((c) => setPresence(c, 'available'));
    await Promise.all([...handoffs, ...online]);
    await routed(other);

    const rows = await api.prisma.conversation.findMany({ where: { queueId: q.id } });
    const assigned = rows.filter((r) => r.status === 'assigned');
    expect(assigned).toHaveLength(15);
    const perAgent = new Map<string, number>();
    for (const r of assigned) perAgent.set(r.assigneeId!, (perAgent.get(r.assigneeId!) ?? 0) + 1);
    expect([...perAgent.values()]).toEqual([3, 3, 3, 3, 3]);
    const states = await api.prisma.agentState.findMany({
      where: { userId: { in: agents.map((x) => x.user.id) } },
    });
    expect(states.map((s) => s.activeCount)).toEqual([3, 3, 3, 3, 3]);
    const assignments = await api.prisma.conversationEvent.groupBy({
      by: ['conversationId'],
      where: { type: 'conversation.assigned', conversationId: { in: rows.map((r) => r.id) } },
      _count: true,
    });
    expect(assignments.every((g) => g._count === 1)).toBe(true);
    expect(assignments).toHaveLength(15);
  });

  it('handles 500 handoffs to 20 agents of capacity 5 across two instances: full agents, the rest in order', async () => {
    const q = await queue();
    const team: { user: TestUser; client: Client }[] = [];
    for (let i = 0; i < 20; i += 1) team.push(await agent(5));
    await members(
      q.id,
      team.map((x) => ({ userId: x.user.id })),
    );
    // 500 handoffs, 40 in flight at a time, alternating between the two instances.
    const ids: string[] = [];
    for (let batch = 0; batch < 500; batch += 40) {
      const size = Math.min(40, 500 - batch);
      const done = await Promise.all(
        Array.from({ length: size }, (_, i) => handedOff(q.id, 0, (batch + i) % 2 === 0 ? api : other)),
      );
      ids.push(...done.map((c) => c.id));
    }
    await routed(other);

    const rows = await api.prisma.conversation.findMany({ where: { queueId: q.id } });
    expect(rows).toHaveLength(500);
    const assigned = rows.filter((r) => r.status === 'assigned');
    expect(assigned).toHaveLength(100);
    const load = new Map<string, number>();
    for (const r of assigned) load.set(r.assigneeId!, (load.get(r.assigneeId!) ?? 0) + 1);
    expect([...load.values()].every((n) => n === 5)).toBe(true);
    expect(load.size).toBe(20);

    // Positions run 1..400 in the order the engine will serve them: first come, first served.
    const positions = await api.app.get(QueuePositionsService).forQueue(q.id);
    expect(positions.map((p) => p.position)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const waitingSince = new Map(rows.map((r) => [r.id, r.waitingSince!.getTime()]));
    const order = positions.map((p) => waitingSince.get(p.conversationId)!);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    // Nobody still waiting arrived before a conversation that was served.
    const latestServed = Math.max(...assigned.map((r) => r.waitingSince!.getTime()));
    expect(Math.min(...order)).toBeGreaterThanOrEqual(latestServed - 1_000);

    // Freeing one seat serves position 1 next.
    const head = positions[0]!.conversationId;
    const someone = team[0]!;
    const mine = assigned.find((r) => r.assigneeId === someone.user.id)!;
    expect((await someone.client.post(`/api/v1/conversations/${mine.id}/resolve`)).status).toBe(200);
    await routed();
    expect(await current(head)).toMatchObject({ status: 'assigned', assigneeId: someone.user.id });
    // A correctness test under load, not a timing one: on a busy 2-core machine it takes 20–30 s,
    // so the suite's 30 s default would fail it for the machine's sake rather than the code's.
  }, 90_000);

  describe('timers (BullMQ delayed jobs in the worker)', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await createWorker(testEnv(), capturingLogger('warn').logger);
      await worker.init();
    });
    afterAll(async () => {
      await worker?.close();
    });

    it('offers a conversation in offer mode; a decline or a timeout moves it on, an accept assigns it', async () => {
      const q = await queue({ offerTimeoutSeconds: 30 });
      const first = await agent(2);
      const second = await agent(2, 'away');
      await members(q.id, [{ userId: first.user.id }, { userId: second.user.id }]);
      const c = await handedOff(q.id);
      expect(await current(c.id)).toMatchObject({ status: 'queued', offeredToId: first.user.id });
      expect(
        (await api.prisma.agentState.findUniqueOrThrow({ where: { userId: first.user.id } })).activeCount,
      ).toBe(1);

      // Declined: capacity comes back and, with nobody else available, it waits.
      expect((await first.client.post(`/api/v1/conversations/${c.id}/offer/decline`)).status).toBe(200);
      expect(await current(c.id)).toMatchObject({ status: 'queued', offeredToId: null });
      expect(
        (await api.prisma.agentState.findUniqueOrThrow({ where: { userId: first.user.id } })).activeCount,
      ).toBe(0);

      // The next available agent gets the offer; unanswered, it times out and moves on (not back to the decliner).
      await setPresence(second.client, 'available');
      const offered = await current(c.id);
      expect(offered.offeredToId).toBe(second.user.id);
      const timeout = worker.get(OfferTimeoutHandler, { strict: false });
      const data = {
        conversationId: c.id,
        userId: second.user.id,
        expiresAt: offered.offerExpiresAt!.toISOString(),
      };
      expect(await timeout.handle({ data } as Job<typeof data>)).toEqual({ expired: true });
      // The worker routes after the expiry (nobody may have it now): let that pass end first.
      await worker.get(RoutingEngine, { strict: false }).idle();
      expect(await current(c.id)).toMatchObject({ status: 'queued', offeredToId: null });

      // Offered again once the cooldown is over (simulated by clearing the record), accepted: assigned.
      await api.prisma.routingDecision.deleteMany({
        where: { conversationId: c.id, mode: { startsWith: 'offer_' } },
      });
      await api.app.get(RoutingEngine).route({ queueId: q.id });
      const again = await current(c.id);
      expect(again.offeredToId).not.toBeNull();
      const taker = again.offeredToId === first.user.id ? first : second;
      const accepted = await taker.client.post<Conversation>(`/api/v1/conversations/${c.id}/offer/accept`);
      expect(accepted.body).toMatchObject({ status: 'assigned', assigneeId: taker.user.id });
      expect(
        (await api.prisma.agentState.findUniqueOrThrow({ where: { userId: taker.user.id } })).activeCount,
      ).toBe(1);
      const actions = (
        await api.prisma.auditEvent.findMany({ where: { targetId: c.id }, orderBy: { seq: 'asc' } })
      ).map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'conversation.offered',
          'conversation.offer_declined',
          'conversation.offer_expired',
          'conversation.assigned',
        ]),
      );
    });

    it('schedules SLA checks at handoff, and records a missed first response as a breach', async () => {
      const q = await queue({ slaFirstResponseSeconds: 60, slaResolutionSeconds: 3600 });
      const c = await handedOff(q.id);
      const due = (await current(c.id)).firstResponseDueAt!;
      const jobs = await api.app.get(JobsService).queue(QueueName.System).getDelayed();
      expect(jobs.map((j) => j.id)).toEqual(
        expect.arrayContaining([
          `sla-first_response-${c.id}-${due.getTime()}`,
          expect.stringContaining(`sla-resolution-${c.id}`),
        ]),
      );

      const check = worker.get(SlaCheckHandler, { strict: false });
      const data = { conversationId: c.id, kind: 'first_response' as const, dueAt: due.toISOString() };
      expect(await check.handle({ data } as Job<typeof data>)).toEqual({ breached: true });
      expect(
        await api.prisma.auditEvent.findFirst({
          where: { targetId: c.id, action: 'conversation.sla_breached' },
        }),
      ).toMatchObject({ result: 'failed', actorId: null, data: { kind: 'first_response' } });
      // A stale job (the deadline has moved since) does nothing.
      expect(
        await check.handle({ data: { ...data, dueAt: new Date(0).toISOString() } } as Job<typeof data>),
      ).toEqual({
        breached: false,
      });
    });

    it('closes a conversation that stays resolved, but not one that was reopened', async () => {
      const q = await queue();
      const a = await agent(2);
      await members(q.id, [{ userId: a.user.id }]);
      const stays = await handedOff(q.id, 0, quick);
      const reopened = await handedOff(q.id, 0, quick);
      const client = a.client.on(quick.base); // resolved on the instance that closes after 1 s
      for (const c of [stays, reopened]) {
        expect((await client.post(`/api/v1/conversations/${c.id}/resolve`)).status).toBe(200);
      }
      expect((await client.post(`/api/v1/conversations/${reopened.id}/reopen`)).status).toBe(200);
      // Both close timers have run out and run.
      await drainQueues(worker, [QueueName.System], {
        only: (job) => job.name === CLOSE_JOB && [stays.id, reopened.id].includes(job.data.conversationId),
      });
      expect((await current(stays.id)).status).toBe('closed');
      expect((await current(reopened.id)).status).not.toBe('closed');
    });
  });
});
