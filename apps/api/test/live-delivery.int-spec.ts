import type { CustomerMessage } from '@baton/contracts';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';
import { Room } from '../src/modules/realtime/realtime.events.js';
import { RoutingEngine } from '../src/modules/routing/routing.engine.js';
import { RedisService } from '../src/redis/redis.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { visitor } from './factories/conversations.factory.js';
import { tag } from './factories/names.js';
import { BackfillingCustomer } from './support/backfilling-customer.js';
import { createUser, eventually, signIn, startApi, uniqueIp, type TestApi } from './support/api.js';
import { redisCut, type RedisCut } from './support/redis-cut.js';
import { agentSocket, ask, closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';

const SHOP = 'https://shop.example';
const TOKEN = randomBytes(32).toString('base64url');

/**
 * Pub/sub keeps nothing for a subscriber that is away: an event published while an instance's
 * subscriber reconnects, or one that never reached Redis, is lost. A client that back-fills by `seq`
 * (after its last contiguous one, on a gap, on `realtime.resumed`) still ends with every message once,
 * in order, and the events that never reached Redis are counted.
 */
describe('live delivery through Redis faults', () => {
  let cut: RedisCut;
  let api: TestApi;
  /** Straight to this run's Redis, around the cut: to see what was published, and who listens. */
  let watcher: Redis;
  let admin: Redis;

  beforeAll(async () => {
    cut = await redisCut(inject('redisUrl'));
    api = await startApi({ REDIS_URL: cut.url, METRICS_TOKEN: TOKEN });
    watcher = new Redis(inject('redisUrl'));
    admin = new Redis(inject('redisUrl'));
  });
  afterEach(() => {
    cut.restore();
    closeSockets();
  });
  afterAll(async () => {
    await api?.close();
    watcher?.disconnect();
    admin?.disconnect();
    await cut?.close();
  });

  /** A web chat customer talking to an agent, with the customer's socket connected through `client`. */
  async function chat(options: { hearResumed?: boolean } = {}) {
    const queue = await api.prisma.queue.create({ data: { name: `live-q-${tag()}`, requiredSkills: [] } });
    const agent = await createUser(api, { roles: ['agent'] });
    await api.prisma.agentState.create({ data: { userId: agent.id, capacity: 5, presence: 'available' } });
    await api.prisma.queueMember.create({ data: { queueId: queue.id, userId: agent.id, skills: [] } });
    const staff = await signIn(api, agent);
    const channel = await webchatChannel(api, { config: { allowedOrigins: [SHOP] } });
    const { contact, token } = await visitor(api, channel.id);
    const socket: Socket = customerSocket(api, token, { origin: SHOP, 'x-forwarded-for': uniqueIp() });
    const client = new BackfillingCustomer(socket, options);
    await connected(socket);
    const { message } = await ask<{ message: CustomerMessage }>(socket, 'message.send', {
      body: 'Where is my order?',
      clientMessageId: `live-${tag()}`,
    });
    client.add(message);
    const conversationId = message.conversationId;
    await api.app
      .get(ConversationsService)
      .handoff(conversationId, { queueId: queue.id, reason: 'customer_asked' });
    await api.app.get(RoutingEngine).idle();
    let replies = 0;
    const post = async (body: string, internal = false) => {
      const sent = await staff.post(`/api/v1/conversations/${conversationId}/messages`, {
        body,
        clientMessageId: `reply-${tag()}-${(replies += 1)}`,
        internal,
      });
      expect(sent.status).toBe(201);
      return (sent.body as { seq: number }).seq;
    };
    const channelName = api.app.get(RedisService).keys.socketIoChannel('/customer', Room.contact(contact.id));
    return { client, staff, post, channelName, conversationId };
  }

  /** Instances reading the customer's room channel (the watcher too, once it listens). */
  const readers = async (channelName: string) =>
    Number(((await admin.call('PUBSUB', 'SHARDNUMSUB', channelName)) as [string, number])[1]);

  const dropped = async () => {
    const text = await (
      await fetch(`${api.base}/api/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': uniqueIp() },
      })
    ).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('baton_realtime_events_dropped_total{namespace="/customer"}'));
    return Number(line?.split(' ')[1] ?? NaN);
  };

  it('fills the hole an event lost while the subscriber was away left, at the next live message', async () => {
    // Only the next live message tells this client (no `realtime.resumed`), as a lost hint would.
    const { client, post, channelName } = await chat({ hearResumed: false });
    const first = await post('Let me check.');
    expect(
      (
        await eventually(
          () => client.seqs(),
          (s) => s.includes(first),
        )
      ).at(-1),
    ).toBe(first);

    const published: string[] = [];
    watcher.on('smessage', (_channel: string, message: string) => published.push(message));
    await watcher.ssubscribe(channelName);
    cut.cut(/socket\.io:sub$/);
    await eventually(
      () => readers(channelName),
      (n) => n === 1,
    );
    const lost = await post('It left the warehouse.');
    // Published on the room's channel while no instance read it: nobody delivered it.
    await eventually(
      () => published.filter((m) => m.includes('It left the warehouse.')).length,
      (n) => n === 1,
    );
    const note = await post('Carrier says Tuesday', true);
    cut.restore();
    await eventually(
      () => readers(channelName),
      (n) => n === 2,
    );
    expect(client.seqs()).not.toContain(lost);

    const next = await post('It arrives on Tuesday.');
    const seqs = await eventually(
      () => client.seqs(),
      (s) => s.includes(lost) && s.includes(next),
    );
    expect(seqs).toEqual([1, first, lost, next]);
    expect(client.backfills).toContain('gap');
    // The note's number, which a customer never sees, is settled too: no back-fill is left pending.
    expect(client.line.contiguous).toBe(next);
    expect(note).toBe(lost + 1);
  });

  it('counts events Redis never took, and clients back-fill them when live delivery resumes', async () => {
    const { client, staff, post } = await chat();
    // Through another host name: socket.io-client would share the customer's connection (and its Origin).
    const agent = agentSocket({ ...api, base: api.base.replace('127.0.0.1', 'localhost') }, staff);
    await connected(agent);
    const first = await post('Let me check.');
    await eventually(
      () => client.seqs(),
      (s) => s.includes(first),
    );
    const before = await dropped();

    cut.cut(/socket\.io:(sub|emitter)$/);
    const during = [await post('One.'), await post('Two.'), await post('Three.')];
    // Each event waits a few reconnection attempts for Redis, then is dropped and counted.
    expect(await eventually(dropped, (n) => n >= before + 3, 15_000)).toBeGreaterThanOrEqual(before + 3);
    expect(client.seqs()).toEqual([1, first]);

    const agentResumed = waitFor(agent, 'realtime.resumed', () => true, 15_000);
    cut.restore();
    await agentResumed;
    const seqs = await eventually(
      () => client.seqs(),
      (s) => during.every((seq) => s.includes(seq)),
    );
    expect(seqs).toEqual([1, first, ...during]);
    expect(client.backfills).toContain('resumed');
    // A storm of drops is one warning, not one per event.
    const warnings = api.logs().filter((l) => String(l['msg']).includes('socket event not published'));
    expect(warnings).toHaveLength(1);
  });
});
