import type { ConversationPage, SupervisorOverviewPage } from '@baton/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn, startApi, type Client, type Reply, type TestApi } from './support/api.js';
import { webchatChannel } from './factories/channels.factory.js';
import { conversationIn } from './factories/conversations.factory.js';
import { tag } from './factories/names.js';
import { createQueue, setMembers } from './factories/queues.factory.js';
import { createAgent, signedInAdmin } from './factories/users.factory.js';

/** The inbox lists and the supervisor wall's agents, a page at a time. */
describe('list pages', () => {
  let api: TestApi;
  let admin: Client;
  let channelId: string;
  const began = Date.now();

  beforeAll(async () => {
    api = await startApi();
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  });
  afterAll(async () => {
    await api.close();
  });

  /** A waiting conversation with this priority, waiting since `minutesAgo` before the tests began. */
  async function waiting(queueId: string, priority: number, minutesAgo: number) {
    const c = await conversationIn(api, 'queued', { channelId, queueId });
    const since = began - minutesAgo * 60_000;
    await api.prisma.conversation.update({
      where: { id: c.id },
      data: { priority, waitingSince: new Date(since) },
    });
    return { id: c.id, priority, since };
  }

  /** Every page of `view`, `limit` at a time; `between` runs after each page but the last. */
  async function walk(client: Client, view: string, limit: number, between?: () => Promise<unknown>) {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({
        view,
        limit: String(limit),
        ...(cursor && { cursor }),
      });
      const reply: Reply<ConversationPage> = await client.get<ConversationPage>(
        `/api/v1/conversations?${query}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(limit);
      pages.push(reply.body.items.map((c) => c.id));
      cursor = reply.body.nextCursor;
      if (cursor && between) await between();
    } while (cursor);
    return pages;
  }

  it('pages through a queue in serving order, each conversation once, while others arrive', async () => {
    const queue = await createQueue(admin);
    const agent = await createAgent(api);
    await setMembers(admin, queue.id, [{ userId: agent.id }]);
    const client = await signIn(api, agent);
    // Priority first, then the longest waiting; two share a priority and a waiting time (id decides).
    const made = [
      await waiting(queue.id, 0, 30),
      await waiting(queue.id, 2, 5),
      await waiting(queue.id, 0, 50),
      await waiting(queue.id, 1, 10),
      await waiting(queue.id, 0, 20),
      await waiting(queue.id, 0, 20),
      await waiting(queue.id, 1, 40),
    ];
    const expected = [...made]
      .sort((a, b) => b.priority - a.priority || a.since - b.since || a.id.localeCompare(b.id))
      .map((c) => c.id);

    // After each page a new conversation arrives ahead of the ones already read (an offset would
    // then repeat a row) and another at the end (a later page shows it).
    const arrived: string[] = [];
    const pages = await walk(client, 'queued', 3, async () => {
      await waiting(queue.id, 5, 60);
      arrived.push((await waiting(queue.id, -1, -arrived.length)).id);
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => expected.includes(id))).toEqual(expected);
    expect(pages[0]).toHaveLength(3);
    expect(seen.slice(expected.length)).toEqual(arrived);
  });

  it('lists mine and the waiting ones apart, and both in the open view', async () => {
    const queue = await createQueue(admin);
    const agent = await createAgent(api);
    const colleague = await createAgent(api);
    await setMembers(admin, queue.id, [{ userId: agent.id }, { userId: colleague.id }]);
    const client = await signIn(api, agent);
    const queued = await waiting(queue.id, 0, 5);
    const mine = await conversationIn(api, 'assigned', {
      channelId,
      queueId: queue.id,
      assigneeId: agent.id,
    });
    const theirs = await conversationIn(api, 'assigned', {
      channelId,
      queueId: queue.id,
      assigneeId: colleague.id,
    });
    const ids = async (view: string) => (await walk(client, view, 200)).flat();
    expect(await ids('mine')).toEqual([mine.id]);
    expect(await ids('queued')).toEqual([queued.id]);
    expect((await ids('open')).sort()).toEqual([queued.id, mine.id, theirs.id].sort());
  });

  it('refuses a cursor it did not give and a page size outside 1..200', async () => {
    const client = await signIn(api, await createAgent(api));
    for (const query of [
      'cursor=abc',
      'cursor=1_2_not-a-uuid',
      "cursor=0_1_00000000-0000-4000-8000-000000000000'--",
      'limit=0',
      'limit=201',
      'view=everything',
      'offset=50',
    ]) {
      const reply = await client.get(`/api/v1/conversations?${query}`);
      expect(reply.status, query).toBe(400);
    }
    const fine = await client.get<ConversationPage>(
      '/api/v1/conversations?cursor=0_1733600000000_00000000-0000-4000-8000-000000000000&limit=200',
    );
    expect(fine.status).toBe(200);
  });

  it('gives the supervisor wall every queue and its agents a page at a time, by name', async () => {
    const queue = await createQueue(admin);
    const prefix = `Pager ${tag()}`;
    const agents = await Promise.all(
      ['d', 'a', 'e', 'c', 'b'].map((letter) => createAgent(api, { displayName: `${prefix} ${letter}` })),
    );
    const supervisor = await createUser(api, { roles: ['supervisor'], mfa: true });
    await setMembers(admin, queue.id, [
      ...agents.map((a) => ({ userId: a.id })),
      { userId: supervisor.id, isSupervisor: true },
    ]);
    await waiting(queue.id, 0, 1);
    const client = await signIn(api, supervisor);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({
        agentsLimit: '2',
        ...(cursor && { agentsCursor: cursor }),
      });
      const reply: Reply<SupervisorOverviewPage> = await client.get<SupervisorOverviewPage>(
        `/api/v1/supervisor/overview?${query}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.agents.length).toBeLessThanOrEqual(2);
      expect(reply.body.queues.map((q) => q.id)).toEqual([queue.id]);
      expect(reply.body.queues[0]).toMatchObject({ waiting: 1 });
      names.push(...reply.body.agents.map((a) => a.displayName));
      cursor = reply.body.agentsNextCursor;
    } while (cursor);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e'].map((letter) => `${prefix} ${letter}`));
    for (const query of ['agentsLimit=0', 'agentsLimit=501', 'agentsCursor=nope']) {
      expect((await client.get(`/api/v1/supervisor/overview?${query}`)).status, query).toBe(400);
    }
  });
});
