import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { QueueName } from '../src/jobs/queue-names.js';
import { AgentConnectionsService } from '../src/modules/agents/agent-connections.service.js';
import { AgentDepartures } from '../src/modules/conversations/agent-departures.service.js';
import { SlaCheckHandler } from '../src/modules/conversations/conversation-timers.handlers.js';
import { RedisService } from '../src/redis/redis.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { handedOff } from './factories/conversations.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { createAgent, setPresence, signedInAdmin } from './factories/users.factory.js';
import { eventually, signIn, startApi, type Client, type TestApi } from './support/api.js';
import { ownDatabase, type OwnDatabase } from './support/databases.js';
import { agentSocket, ask, closeSockets, connected } from './support/sockets.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { capturingLogger, testEnv } from './support/test-env.js';

/**
 * What survives the loss of a part: agents whose instance died without a disconnect, timers whose
 * first run met an outage, timers Redis forgot. The worker's sweeps here look at the whole database,
 * so this file has one of its own.
 */
describe('presence and timers that survive failures', () => {
  let database: OwnDatabase | undefined;
  let databaseUrl: string;
  let api: TestApi;
  let admin: Client;
  let channelId: string;
  const workers: INestApplicationContext[] = [];

  /** Short windows so each failure plays out in seconds: stale after 6 s, grace 2 s, resolved conversations close after 3 s. */
  const timings = {
    AGENT_SOCKET_STALE_SECONDS: '6',
    AGENT_DISCONNECT_GRACE_SECONDS: '2',
    CONVERSATION_CLOSE_AFTER_SECONDS: '3',
  };

  const startWorker = async (overrides: NodeJS.ProcessEnv = {}) => {
    const worker = await createWorker(
      testEnv({ DATABASE_URL: databaseUrl, ...timings, ...overrides }),
      capturingLogger('fatal').logger,
    );
    workers.push(worker);
    await worker.init();
    return worker;
  };

  beforeAll(async () => {
    database = ownDatabase('presence');
    databaseUrl = database.databaseUrl;
    api = await startApi({ DATABASE_URL: databaseUrl, ...timings });
    admin = await signedInAdmin(api);
    channelId = (await webchatChannel(api)).id;
  }, 120_000);
  afterEach(async () => {
    closeSockets();
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });
  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  const conversation = (id: string) => api.prisma.conversation.findUniqueOrThrow({ where: { id } });
  const presenceOf = async (userId: string) =>
    (await api.prisma.agentState.findUniqueOrThrow({ where: { userId } })).presence;

  it('releases an agent whose instance died without a disconnect, and routes nothing more to them', async () => {
    const ghost = await createAgent(api, { capacity: 2 });
    const colleague = await createAgent(api, { capacity: 1 });
    const queue = await queueWith(admin, [{ userId: ghost.id }, { userId: colleague.id }]);
    const ghostClient = await signIn(api, ghost);

    // The ghost's tab lives on an instance that is then SIGKILLed: its socket was registered and
    // refreshed once, and nobody will ever refresh it or report its disconnect.
    await api.app.get(AgentConnectionsService).connected(ghost.id, 'socket-of-a-dead-instance');
    await setPresence(ghostClient, 'available');
    const held = await handedOff(api, channelId, queue.id);
    expect(held).toMatchObject({ status: 'assigned', assigneeId: ghost.id });
    const before = await conversation(held.id);
    await startWorker({ RECOVERY_SWEEP_SECONDS: '1' });

    // A colleague with a live tab on a live instance, which keeps refreshing it.
    const tab = agentSocket(api, await signIn(api, colleague));
    await connected(tab);
    await ask(tab, 'presence.set', { presence: 'available' });

    // Stale after 6 s, then 2 s of grace (counted from the last heartbeat), swept every second.
    expect(
      await eventually(
        () => presenceOf(ghost.id),
        (p) => p === 'offline',
        20_000,
      ),
    ).toBe('offline');
    // What the ghost held went back to the queue at its place, and on to the colleague.
    const back = await eventually(
      () => conversation(held.id),
      (c) => c.assigneeId === colleague.id,
    );
    expect(back.waitingSince).toEqual(before.waitingSince);
    expect(
      await api.prisma.auditEvent.findFirst({
        where: { action: 'agent.status_changed', targetId: ghost.id, actorId: null },
      }),
    ).toMatchObject({ data: { from: 'available', to: 'offline', reason: 'disconnected' } });

    // The colleague is full: a new customer waits rather than going to the agent who is gone.
    const next = await handedOff(api, channelId, queue.id);
    expect(await conversation(next.id)).toMatchObject({
      status: 'queued',
      assigneeId: null,
      offeredToId: null,
    });
    expect(await presenceOf(colleague.id)).toBe('available');
  }, 60_000);

  it('lets only the latest grace period release an agent whose tab came back and closed again', async () => {
    const agent = await createAgent(api, { capacity: 1 });
    await setPresence(await signIn(api, agent), 'available');
    const connections = api.app.get(AgentConnectionsService);
    const departures = api.app.get(AgentDepartures);
    const t0 = Date.now() - 5_000;
    await connections.connected(agent.id, 'first-tab', t0);
    await connections.disconnected(agent.id, 'first-tab', t0 + 1_000);
    await connections.connected(agent.id, 'second-tab', t0 + 2_000);
    await connections.disconnected(agent.id, 'second-tab', t0 + 3_000);

    // The grace period the first tab started is over, but the agent was seen after it began.
    await departures.leaveAfterDisconnect(agent.id, t0 + 1_000);
    expect(await presenceOf(agent.id)).toBe('available');
    await departures.leaveAfterDisconnect(agent.id, t0 + 3_000);
    expect(await presenceOf(agent.id)).toBe('offline');
  });

  it('runs a timer job again after its first run met a database outage', async () => {
    const proxy = await TcpProxy.start([Number(new URL(databaseUrl).port || 5432)]);
    try {
      const worker = await startWorker({
        DATABASE_URL: proxy.url(databaseUrl),
      });
      const queue = await queueWith(admin, [], { slaFirstResponseSeconds: 10 });
      const waiting = await handedOff(api, channelId, queue.id);
      const due = Number((await conversation(waiting.id)).firstResponseDueAt);
      const check = () =>
        worker.get(JobsService).queue(QueueName.System).getJob(`sla-first_response-${waiting.id}-${due}`);

      // The worker's database goes away just before the deadline and stays away past it.
      await eventually(
        () => Date.now(),
        (now) => now > due - 1_000,
        15_000,
      );
      await proxy.cut();
      const failedOnce = await eventually(
        async () => (await check())?.attemptsMade ?? 0,
        (n) => n >= 1,
        15_000,
      );
      expect(failedOnce).toBeGreaterThanOrEqual(1);
      await proxy.restore();

      const breach = await eventually(
        () =>
          api.prisma.conversationEvent.findFirst({
            where: { conversationId: waiting.id, type: 'conversation.sla_breached' },
          }),
        Boolean,
        20_000,
      );
      expect(breach).toMatchObject({ data: { kind: 'first_response' } });
      // The same job, run again: the retry did it.
      expect(await eventually(async () => (await check())?.returnvalue as unknown, Boolean)).toEqual({
        breached: true,
      });
      // Once more (a retry after a commit whose answer was lost): the breach stays recorded once.
      const job = await check();
      expect(job && (await worker.get(SlaCheckHandler).handle(job))).toEqual({ breached: false });
      expect(
        await api.prisma.conversationEvent.count({
          where: { conversationId: waiting.id, type: 'conversation.sla_breached' },
        }),
      ).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('rebuilds SLA checks, offer timeouts and closes from the database after Redis lost them', async () => {
    // No worker yet: the API queues the timers, then Redis loses every job of this file's prefix.
    const slaQueue = await queueWith(admin, [], { slaFirstResponseSeconds: 10 });
    const waiting = await handedOff(api, channelId, slaQueue.id);

    const offeree = await createAgent(api, { capacity: 1 });
    const offerQueue = await queueWith(admin, [{ userId: offeree.id }], { offerTimeoutSeconds: 5 });
    await setPresence(await signIn(api, offeree), 'available');
    const offered = await handedOff(api, channelId, offerQueue.id);
    expect((await conversation(offered.id)).offeredToId).toBe(offeree.id);

    const resolver = await createAgent(api, { capacity: 1 });
    const resolverQueue = await queueWith(admin, [{ userId: resolver.id }]);
    const resolverClient = await signIn(api, resolver);
    await setPresence(resolverClient, 'available');
    const toResolve = await handedOff(api, channelId, resolverQueue.id);
    expect(toResolve.assigneeId).toBe(resolver.id);
    expect((await resolverClient.post(`/api/v1/conversations/${toResolve.id}/resolve`)).status).toBe(200);

    const system = api.app.get(JobsService).queue(QueueName.System);
    expect(await system.getDelayedCount()).toBeGreaterThanOrEqual(3);
    const redis = api.app.get(RedisService);
    const keys = await redis.client.keys(`${redis.prefix}:${QueueName.System}:*`);
    await redis.client.del(...keys);
    expect(await system.getDelayedCount()).toBe(0);

    // A worker starts (reconciling at start) and each timer fires at its time.
    await startWorker({ TIMER_RECONCILE_SECONDS: '3600' });
    expect(
      await eventually(
        () =>
          api.prisma.conversationEvent.count({
            where: { conversationId: waiting.id, type: 'conversation.sla_breached' },
          }),
        (n) => n > 0,
        20_000,
      ),
    ).toBe(1);
    expect(
      await eventually(
        () => conversation(offered.id),
        (c) => c.offeredToId === null,
        20_000,
      ),
    ).toMatchObject({ status: 'queued', offeredToId: null });
    expect(
      await eventually(
        () => conversation(toResolve.id),
        (c) => c.status === 'closed',
        20_000,
      ),
    ).toMatchObject({ status: 'closed' });
  }, 60_000);
});
