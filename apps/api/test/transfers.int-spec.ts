import type { Conversation, RoutingDecision, TransferColleague } from '@baton/contracts';

import { beforeAll, describe, expect, it } from 'vitest';
import { RoutingEngine } from '../src/modules/routing/routing.engine.js';
import { createUser, signIn, type Client, useApi } from './support/api.js';
import { webchatChannel } from './factories/channels.factory.js';
import { routingFactory } from './factories/routing.factory.js';
import { signedInAdmin } from './factories/users.factory.js';

describe('transfers: no boomerang, to a colleague, and "why routed" names everyone', () => {
  const api = useApi();
  let admin: Client;
  let channelId: string;
  const { queue, members, agent, setPresence, handedOff, routed } = routingFactory(() => ({
    api,
    admin,
    channelId,
  }));

  beforeAll(async () => {
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  });

  const current = (id: string) => api.prisma.conversation.findUniqueOrThrow({ where: { id } });

  it('routes a conversation an agent transferred to their own queue to someone else, saying why', async () => {
    const q = await queue();
    const a = await agent(3);
    const b = await agent(3, 'away');
    await members(q.id, [{ userId: a.user.id }, { userId: b.user.id }]);
    const c = await handedOff(q.id);
    expect(c).toMatchObject({ status: 'assigned', assigneeId: a.user.id });
    // B then takes another one: once A lets go, least-busy routing alone would hand it back to A.
    await setPresence(b.client, 'available');
    expect(await handedOff(q.id)).toMatchObject({ assigneeId: b.user.id });

    const moved = await a.client.post<Conversation>(`/api/v1/conversations/${c.id}/transfer`, {
      toQueueId: q.id,
    });
    expect(moved.status).toBe(200);
    await routed();
    expect(await current(c.id)).toMatchObject({ status: 'assigned', assigneeId: b.user.id });

    const decisions = await api.prisma.routingDecision.findMany({
      where: { conversationId: c.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(decisions.map((d) => [d.mode, d.chosenUserId])).toEqual([
      ['least_busy', a.user.id],
      ['transferred_away', a.user.id],
      ['least_busy', b.user.id],
    ]);
    expect(decisions[2]!.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: a.user.id,
          eligible: false,
          reason: 'transferred this conversation away',
        }),
      ]),
    );
  });

  it('keeps it waiting when the transferring agent is the only one, until someone else can take it', async () => {
    const q = await queue();
    const a = await agent(2);
    const b = await agent(2, 'away');
    await members(q.id, [{ userId: a.user.id }, { userId: b.user.id }]);
    const c = await handedOff(q.id);
    expect(c.assigneeId).toBe(a.user.id);

    const moved = await a.client.post<Conversation>(`/api/v1/conversations/${c.id}/transfer`, {
      toQueueId: q.id,
    });
    expect(moved.body).toMatchObject({ status: 'queued', assigneeId: null });
    // Once routing has run after the transfer, running it again changes nothing.
    await routed();
    expect(await api.app.get(RoutingEngine).route({ queueId: q.id })).toBe(0);
    expect(await current(c.id)).toMatchObject({ status: 'queued', assigneeId: null });

    await setPresence(b.client, 'available');
    expect(await current(c.id)).toMatchObject({ status: 'assigned', assigneeId: b.user.id });
  });

  it('lets the transferring agent have it again once the exclusion has run out', async () => {
    const q = await queue();
    const a = await agent(2);
    await members(q.id, [{ userId: a.user.id }]);
    const c = await handedOff(q.id);
    await a.client.post(`/api/v1/conversations/${c.id}/transfer`, { toQueueId: q.id });
    await routed();
    expect(await current(c.id)).toMatchObject({ status: 'queued' });

    // The customer must not wait for ever when nobody else comes: the exclusion is bounded.
    await api.prisma.routingDecision.updateMany({
      where: { conversationId: c.id, mode: 'transferred_away' },
      data: { createdAt: new Date(Date.now() - 11 * 60_000) },
    });
    expect(await api.app.get(RoutingEngine).route({ queueId: q.id })).toBe(1);
    expect(await current(c.id)).toMatchObject({ status: 'assigned', assigneeId: a.user.id });
  });

  it('lists the online colleagues of the queue with their load, and transfers to one', async () => {
    const q = await queue();
    const a = await agent(2);
    const b = await agent(3, 'away');
    const off = await agent(2, 'offline');
    const full = await agent(1);
    const outsider = await agent(2);
    await members(q.id, [
      { userId: a.user.id },
      { userId: b.user.id },
      { userId: off.user.id },
      { userId: full.user.id },
    ]);
    const c = await handedOff(q.id);
    const fill = await handedOff(q.id);
    expect([c.assigneeId, fill.assigneeId].sort()).toEqual([a.user.id, full.user.id].sort());
    const mine = c.assigneeId === a.user.id ? c : fill;

    const listed = await a.client.get<TransferColleague[]>(`/api/v1/conversations/${mine.id}/colleagues`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((x) => x.userId).sort()).toEqual([b.user.id, full.user.id].sort());
    expect(listed.body.find((x) => x.userId === b.user.id)).toEqual({
      userId: b.user.id,
      displayName: expect.any(String),
      presence: 'away',
      activeCount: 0,
      capacity: 3,
      canTake: true,
    });
    expect(listed.body.find((x) => x.userId === full.user.id)).toMatchObject({
      activeCount: 1,
      capacity: 1,
      canTake: false,
    });
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'conversation.colleagues_listed', targetId: mine.id, actorId: a.user.id },
      }),
    ).toMatchObject({ data: { queueId: q.id, count: 2 } });
    // Someone outside the conversation's queues sees neither it nor its colleagues.
    expect((await outsider.client.get(`/api/v1/conversations/${mine.id}/colleagues`)).status).toBe(404);

    const toOffline = await a.client.post(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: off.user.id,
    });
    expect(toOffline.status).toBe(409);
    expect(toOffline.body).toMatchObject({ error: { code: 'conversations.colleague_offline' } });
    const toFull = await a.client.post(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: full.user.id,
    });
    expect(toFull.status).toBe(409);
    expect(toFull.body).toMatchObject({ error: { code: 'conversations.colleague_at_capacity' } });
    const toOutsider = await a.client.post(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: outsider.user.id,
    });
    expect(toOutsider.status).toBe(409);
    expect(toOutsider.body).toMatchObject({ error: { code: 'conversations.not_a_member' } });
    expect(await current(mine.id)).toMatchObject({ assigneeId: a.user.id });

    const done = await a.client.post<Conversation>(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: b.user.id,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'assigned', assigneeId: b.user.id });
    const trail = await api.prisma.auditEvent.findMany({
      where: { targetId: mine.id, action: 'conversation.transferred' },
    });
    expect(trail).toHaveLength(1);
    expect(trail[0]!.data).toMatchObject({ fromUserId: a.user.id, toUserId: b.user.id });

    // A supervisor may still give it to someone offline (the wall warns them first), never over capacity.
    const boss = await createUser(api, { roles: ['supervisor'], mfa: true });
    await members(q.id, [
      { userId: a.user.id },
      { userId: b.user.id },
      { userId: off.user.id },
      { userId: full.user.id },
      { userId: boss.id, isSupervisor: true },
    ]);
    const supervisor = await signIn(api, boss);
    const overFull = await supervisor.post(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: full.user.id,
    });
    expect(overFull.body).toMatchObject({ error: { code: 'conversations.colleague_at_capacity' } });
    const reassigned = await supervisor.post<Conversation>(`/api/v1/conversations/${mine.id}/transfer`, {
      toUserId: off.user.id,
    });
    expect(reassigned.body).toMatchObject({ status: 'assigned', assigneeId: off.user.id });
  });

  it('names every candidate and chosen person in "why routed", members without an agent role too', async () => {
    const q = await queue();
    const a = await agent(2);
    // A queue member who never went available: an admin (no agent state) and a supervisor watching.
    const adminMember = await createUser(api, { roles: ['admin'], mfa: true });
    const boss = await createUser(api, { roles: ['supervisor'], mfa: true });
    await members(q.id, [
      { userId: a.user.id },
      { userId: adminMember.id },
      { userId: boss.id, isSupervisor: true },
    ]);
    const c = await handedOff(q.id);

    const why = await (
      await signIn(api, boss)
    ).get<RoutingDecision[]>(`/api/v1/conversations/${c.id}/routing-decisions`);
    expect(why.status).toBe(200);
    const [decision] = why.body;
    const names = await api.prisma.user.findMany({
      where: { id: { in: [a.user.id, adminMember.id, boss.id] } },
      select: { id: true, displayName: true },
    });
    expect(decision!.candidates.map((x) => x.userId).sort()).toEqual(names.map((n) => n.id).sort());
    expect(decision!.names).toEqual(Object.fromEntries(names.map((n) => [n.id, n.displayName])));
  });
});
