import {
  AgentServerEvent,
  type ConversationAssigned,
  type CreatedApiKey,
  type Queue,
} from '@baton/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { createApiKey, externalHandoff } from './factories/api-keys.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { signedInAdmin, signedInAgent } from './factories/users.factory.js';
import { eventually, startApi, type TestApi } from './support/api.js';
import { agentSocket, closeSockets, collect, connected } from './support/sockets.js';
import { startSqlWireCounter, type SqlWireCounter } from './support/sql-wire-counter.js';
import { capturingLogger, testEnv } from './support/test-env.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';

/** Statements from the request's arrival to its case's commit (key, transaction), counted on the wire. */
const STATEMENTS_TO_COMMIT = 8;
/** Everything a waiting case costs: the request, then routing, fan-out, webhooks and position pushes. */
const STATEMENTS_PER_HANDOFF = 24;
/** The same for a case routing gives to an agent at once: routing's batch and the agent's notice too. */
const STATEMENTS_PER_ASSIGNED_HANDOFF = 34;
const HANDOFFS = 5;

/**
 * What one handoff through `POST /api/v1/handoff` costs in SQL statements, counted between the API
 * and PostgreSQL: the request commits the case in a handful of statements and answers; what reacts
 * to it (routing, fan-out, the bot's webhooks) runs after the answer, without reading rows again.
 */
describe('handoff cost', () => {
  let counter: SqlWireCounter;
  let api: TestApi;
  // Delivers the webhooks (its statements are not the API's: it has its own connection).
  let worker: INestApplicationContext;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let key: CreatedApiKey;
  let queue: Queue;
  let admin: Awaited<ReturnType<typeof signedInAdmin>>;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    counter = await startSqlWireCounter(inject('databaseUrl'), { keepText: true });
    api = await startApi({ DATABASE_URL: counter.url });
    worker = await createWorker(testEnv(), capturingLogger('warn').logger);
    admin = await signedInAdmin(api);
    // No members: every case waits, so each handoff costs the same (no assignment in the count).
    queue = await queueWith(admin, []);
    key = await createApiKey(admin, { webhookUrl: hooks.url });
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([api?.close(), worker?.close()]);
    await counter?.close();
    await hooks?.close();
  });

  /** Until no statement went out for a while: what reacts to a change has run. */
  const quiet = () =>
    eventually(
      async () => {
        const before = counter.statements();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return counter.statements() === before;
      },
      (still) => still,
      30_000,
    );

  const handoff = (queueId: string, i: number | string) =>
    externalHandoff(api.base, key.key, {
      queue: queueId,
      contact: { id: `cost-${i}`, name: 'Ann Example' },
      transcript: [
        { author: 'customer', text: `I need a person (${i})` },
        { author: 'bot', text: 'Let me find someone.' },
      ],
      subscribe_helpdesk_events: ['status_changed', 'queue_position_changed'],
    });

  it(`commits a case in at most ${STATEMENTS_TO_COMMIT} statements and costs at most ${STATEMENTS_PER_HANDOFF} all told`, async () => {
    const send = (i: number) => handoff(queue.id, i);
    // Warm: the first request of a process reads what later ones find cached.
    expect((await send(-1)).status).toBe(201);
    await quiet();

    let total = 0;
    for (let i = 0; i < HANDOFFS; i += 1) {
      counter.reset();
      const reply = await send(i);
      expect(reply.status).toBe(201);
      await quiet();
      const log = counter.log();
      const toCommit = log.slice(0, log.indexOf('COMMIT') + 1);
      expect(toCommit.length, toCommit.join('\n')).toBeLessThanOrEqual(STATEMENTS_TO_COMMIT);
      total += log.length;
    }
    expect(total / HANDOFFS).toBeLessThanOrEqual(STATEMENTS_PER_HANDOFF);

    // The case as a handoff leaves it: waiting, its transcript in order, audited, and its bot told so.
    const cases = await api.prisma.externalCase.findMany({
      where: { apiKeyId: key.id },
      include: { conversation: { include: { messages: { orderBy: { seq: 'asc' } } } } },
    });
    expect(cases).toHaveLength(HANDOFFS + 1);
    for (const c of cases) {
      expect(c.conversation).toMatchObject({
        status: 'queued',
        queueId: queue.id,
        lastSeq: 2,
        handoffSeq: 2,
      });
      expect(c.conversation.messages.map((m) => [m.seq, m.authorKind, m.kind])).toEqual([
        [1, 'customer', 'customer'],
        [2, 'bot', 'bot'],
      ]);
      const audited = await api.prisma.auditEvent.findMany({
        where: { OR: [{ targetId: c.conversationId }, { targetId: c.conversation.contactId }] },
        select: { action: true },
      });
      expect(audited.map((a) => a.action).sort()).toEqual([
        'contact.created',
        'conversation.handed_off',
        'message.created',
      ]);
    }
    const told = await eventually(
      () => hooks.calls.filter((h) => h.body.event === 'status_changed' && h.body.status === 'waiting'),
      (calls) => calls.length >= HANDOFFS + 1,
      10_000,
    );
    expect(new Set(told.map((h) => h.body.case_id))).toEqual(new Set(cases.map((c) => c.conversationId)));
  }, 120_000);

  it(`costs at most ${STATEMENTS_PER_ASSIGNED_HANDOFF} statements all told for a case routed to an agent at once`, async () => {
    const agent = await signedInAgent(api, HANDOFFS, 'available');
    const seated = await queueWith(admin, [{ userId: agent.user.id }]);
    const socket = agentSocket(api, agent.client);
    const assigned = collect<ConversationAssigned>(socket, AgentServerEvent.ConversationAssigned);
    await connected(socket);
    await quiet();

    counter.reset();
    for (let i = 0; i < HANDOFFS; i += 1) {
      expect((await handoff(seated.id, `seated-${i}`)).status).toBe(201);
      await quiet();
    }
    expect(counter.statements() / HANDOFFS, counter.log().join('\n')).toBeLessThanOrEqual(
      STATEMENTS_PER_ASSIGNED_HANDOFF,
    );

    // Each given once, announced to its agent, within their capacity.
    const held = await api.prisma.conversation.findMany({
      where: { queueId: seated.id },
      select: { id: true, status: true, assigneeId: true },
    });
    expect(held.map((c) => [c.status, c.assigneeId])).toEqual(
      Array.from({ length: HANDOFFS }, () => ['assigned', agent.user.id]),
    );
    expect(assigned.map((a) => a.conversation.id).sort()).toEqual(held.map((c) => c.id).sort());
    const state = await api.prisma.agentState.findUniqueOrThrow({ where: { userId: agent.user.id } });
    expect(state.activeCount).toBe(HANDOFFS);
  }, 120_000);
});
