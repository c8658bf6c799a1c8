import type {
  Bot,
  Conversation,
  CustomerMessage,
  HandoffBrief,
  Message,
  WidgetSessionResponse,
} from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue as JobQueue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import { QueueName } from '../src/jobs/queue-names.js';
import { BotDispatcherService } from '../src/modules/bots/bot-dispatcher.service.js';
import { VisitorTokenService } from '../src/modules/widget/visitor-token.service.js';
import { RedisService } from '../src/redis/redis.service.js';
import { createContact, strandedCustomerMessage } from './factories/conversations.factory.js';
import { webchatChannel } from './factories/channels.factory.js';
import { tag } from './factories/names.js';
import { createQueue, queueWith } from './factories/queues.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { Client, createUser, eventually, signIn, startApi, type TestApi } from './support/api.js';
import {
  startFakeOpenAi,
  textCompletion,
  toolCallCompletion,
  type FakeOpenAi,
} from './support/fake-openai.js';
import { agentSocket, ask, closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';
import { capturingLogger, testEnv } from './support/test-env.js';

const TIMEOUT_MS = 1_500;

type Assigned = { conversation: Conversation; handoff: HandoffBrief };

describe('bots answer first and hand off to people with context', () => {
  let fake: FakeOpenAi;
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let env: Record<string, string>;
  // A word no other test's articles use, so ranking here is not disturbed by them.
  const product = `Quill${tag()}`;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    env = {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: fake.baseUrl,
      BOT_TURN_TIMEOUT_MS: String(TIMEOUT_MS),
      BOT_TURN_ATTEMPTS: '2',
    };
    api = await startApi(env);
    worker = await createWorker(testEnv(env), capturingLogger('warn').logger);
    admin = await signedInAdmin(api);
    for (const article of [
      {
        title: `Reset your ${product} password`,
        body: `Open ${product} settings, choose Security and press "Reset password". We email you a link.`,
        tags: ['password_reset'],
      },
      {
        title: `${product} refunds`,
        body: `Refunds for ${product} orders are possible within 30 days of delivery.`,
        tags: ['refunds'],
      },
    ]) {
      expect((await admin.post('/api/v1/knowledge/articles', article)).status).toBe(201);
    }
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([api?.close(), worker?.close()]);
    await fake?.close();
  });

  /** A queue with one available agent connected over a socket, and a bot on a web chat channel. */
  async function setup(engine: 'knowledge_base' | 'llm') {
    const agent = await createUser(api, { roles: ['agent'] });
    const queue = await queueWith(admin, [{ userId: agent.id }], { name: `Support ${tag()}` });
    const bot = await admin.post<Bot>('/api/v1/bots', {
      name: `bot-${tag()}`,
      engine,
      systemPrompt: 'You are the helpful assistant of a small shop.',
      allowedQueueIds: [queue.id],
    });
    expect(bot.status).toBe(201);
    const channel = await webchatChannel(api, { botConfigId: bot.body.id });
    const agentSock = agentSocket(api, await signIn(api, agent));
    await connected(agentSock);
    await ask(agentSock, 'presence.set', { presence: 'available' });
    return { queue, bot: bot.body, channel, agent, agentSock };
  }

  /** A widget visitor: a session from the widget endpoint (as the embedded script gets it), then the socket. */
  async function customer(channelId: string) {
    const session = await new Client(api.base).post<WidgetSessionResponse>('/api/v1/widget/sessions', {
      channelId,
    });
    expect(session.status).toBe(200);
    const { token } = session.body;
    const contact = api.app.get(VisitorTokenService).verify(token)!;
    const socket = customerSocket(api, token);
    await connected(socket);
    const say = (body: string) =>
      ask<{ message: CustomerMessage }>(socket, 'message.send', { body, clientMessageId: randomUUID() });
    const nextFrom = (author: CustomerMessage['authorKind'], timeoutMs = 5_000) =>
      waitFor<{ message: CustomerMessage }>(
        socket,
        'message.created',
        (p) => p.message.authorKind === author,
        timeoutMs,
      );
    return { contact, socket, say, nextFrom };
  }

  const conversationOf = (contactId: string) =>
    api.prisma.conversation.findFirstOrThrow({ where: { contactId }, orderBy: { createdAt: 'desc' } });

  it('lets admins manage bots and articles (validated, audited) and try questions; agents cannot', async () => {
    const agent = await signIn(api, await createUser(api, { roles: ['agent'] }));
    expect((await agent.get('/api/v1/bots')).status).toBe(403);
    expect((await agent.post('/api/v1/knowledge/articles', { title: 't', body: 'b' })).status).toBe(403);

    const unknownQueue = await admin.post<{ error: { code: string } }>('/api/v1/bots', {
      name: `bad-${tag()}`,
      allowedQueueIds: [randomUUID()],
    });
    expect(unknownQueue.status).toBe(400);
    expect((await admin.post('/api/v1/bots', { name: `bad-${tag()}`, confidenceThreshold: 2 })).status).toBe(
      400,
    );

    const article = await admin.post<{ id: string }>('/api/v1/knowledge/articles', {
      title: `${product} gift cards`,
      body: 'Gift cards never expire.',
      tags: ['gift_cards'],
    });
    const hits = await admin.get<{ article: { id: string }; confidence: number }[]>(
      `/api/v1/knowledge/articles/search?q=${encodeURIComponent(`do ${product} gift cards expire`)}`,
    );
    expect(hits.body[0]).toMatchObject({ article: { id: article.body.id } });
    expect(hits.body[0]!.confidence).toBeGreaterThan(0.5);
    const updated = await admin.request('PUT', `/api/v1/knowledge/articles/${article.body.id}`, {
      title: `${product} gift cards`,
      body: 'Gift cards never expire.',
      published: false,
    });
    expect(updated.status).toBe(200);
    expect((await admin.request('DELETE', `/api/v1/knowledge/articles/${article.body.id}`)).status).toBe(204);
    const trail = await api.prisma.auditEvent.findMany({
      where: { targetId: article.body.id },
      orderBy: { seq: 'asc' },
    });
    expect(trail.map((e) => e.action)).toEqual([
      'knowledge_article.created',
      'knowledge_article.updated',
      'knowledge_article.deleted',
    ]);
    expect(trail[1]!.data).toMatchObject({ changed: ['tags', 'published'] });
  });

  it('knowledge-base bot: answers a known question, hands off on request with summary and transcript; replies reach the widget', async () => {
    const { channel, agent, agentSock } = await setup('knowledge_base');
    const web = await customer(channel.id);

    const answer = web.nextFrom('bot');
    await web.say(`How do I reset my ${product} password?`);
    expect((await answer).message.body).toContain(`Reset your ${product} password`);

    const assigned = waitFor<Assigned>(agentSock, 'conversation.assigned');
    const goodbye = web.nextFrom('bot');
    await web.say('I want to talk to a human');
    expect((await goodbye).message.body).toMatch(/person/);
    const { conversation, handoff } = await assigned;
    expect(conversation).toMatchObject({ status: 'assigned', assigneeId: agent.id });
    expect(handoff).toMatchObject({ reason: 'customer_asked', intent: 'password_reset' });
    expect(handoff.summary).toContain(`reset my ${product} password`);
    expect(handoff.context).toMatchObject({ source: 'bot', engine: 'knowledge_base' });
    expect(handoff.transcript.map((line) => line.author)).toEqual(['customer', 'bot', 'customer', 'bot']);
    // The SLA clock started at the handoff.
    expect(handoff.at).not.toBeNull();

    const reply = web.nextFrom('agent');
    const sent = await ask<{ message: Message }>(agentSock, 'message.send', {
      conversationId: conversation.id,
      body: 'Hi, I am here to help with your password.',
      clientMessageId: randomUUID(),
    });
    expect(sent.message.seq).toBe(5);
    expect((await reply).message).toMatchObject({
      body: 'Hi, I am here to help with your password.',
      seq: 5,
    });
  });

  it('knowledge-base bot: hands off below its confidence threshold, and after N unhelpful turns', async () => {
    const { channel } = await setup('knowledge_base');
    const unsure = await customer(channel.id);
    await unsure.say('My parrot ate the invoice, what now?');
    const lowConfidence = await eventually(
      () => conversationOf(unsure.contact.contactId),
      (c) => c.status !== 'bot',
    );
    expect(lowConfidence).toMatchObject({ handoffReason: 'low_confidence' });

    const unhappy = await customer(channel.id);
    const answer = unhappy.nextFrom('bot');
    await unhappy.say(`Can I get a refund for my ${product} order?`);
    expect((await answer).message.body).toContain('30 days');
    const tryAgain = unhappy.nextFrom('bot');
    await unhappy.say('no');
    expect((await tryAgain).message.body).toMatch(/tell me a bit more/);
    expect((await conversationOf(unhappy.contact.contactId)).status).toBe('bot');
    await unhappy.say("that didn't help");
    const handedOff = await eventually(
      () => conversationOf(unhappy.contact.contactId),
      (c) => c.status !== 'bot',
    );
    expect(handedOff).toMatchObject({
      handoffReason: 'bot_unhelpful',
      handoffIntent: 'refunds',
      unhelpfulTurns: 2,
    });
  });

  it('knowledge-base bot: greets back, thanks and says goodbye itself (English and Spanish) instead of handing off', async () => {
    const { channel } = await setup('knowledge_base');
    const exchange = async (web: Awaited<ReturnType<typeof customer>>, text: string) => {
      const next = web.nextFrom('bot');
      await web.say(text);
      return (await next).message.body;
    };
    const en = await customer(channel.id);
    expect(await exchange(en, 'hi from my phone')).toMatch(/virtual assistant.*Ask me a question/);
    expect(await exchange(en, 'Thanks a lot!')).toMatch(/welcome/i);
    expect(await exchange(en, 'bye')).toMatch(/goodbye/i);
    const es = await customer(channel.id);
    expect(await exchange(es, 'hola, buenas tardes desde el móvil')).toMatch(/asistente virtual/);
    expect(await exchange(es, 'muchas gracias')).toMatch(/De nada/);
    expect(await exchange(es, 'adiós')).toMatch(/Hasta pronto/);
    for (const web of [en, es]) {
      expect(await conversationOf(web.contact.contactId)).toMatchObject({ status: 'bot', handedOffAt: null });
    }
    // A greeting with a question in it is still a question for the knowledge base.
    const asking = await customer(channel.id);
    expect(await exchange(asking, `hi, how do I reset my ${product} password?`)).toContain(
      `Reset your ${product} password`,
    );
  });

  it("without a bot, hands straight to the channel's default queue; with no queue either, says so honestly", async () => {
    const queue = await createQueue(admin);
    const direct = await webchatChannel(api, { config: { defaultQueueId: queue.id } });
    const web = await customer(direct.id);
    await web.say('Hello, anyone there?');
    const queued = await eventually(
      () => conversationOf(web.contact.contactId),
      (c) => c.status !== 'bot',
    );
    expect(queued).toMatchObject({ status: 'queued', queueId: queue.id, handoffReason: 'no_bot' });

    const nowhere = await webchatChannel(api);
    const lonely = await customer(nowhere.id);
    const note = lonely.nextFrom('system');
    await lonely.say('Hello?');
    expect((await note).message.body).toMatch(/cannot answer here right now/);
    const conversation = await conversationOf(lonely.contact.contactId);
    // No queue was configured for this channel, so no agent anywhere sees the conversation.
    expect(conversation).toMatchObject({ status: 'bot', queueId: null });
    expect(
      await api.prisma.auditEvent.count({
        where: { action: 'conversation.bot_failed', targetId: conversation.id },
      }),
    ).toBe(1);
  });

  it('gives a customer message whose bot turn was lost one more turn (the recovery sweep)', async () => {
    const { channel } = await setup('knowledge_base');
    const web = await customer(channel.id);
    // Stored as if the API had crashed before queueing the turn: no event, no job.
    const contactId = web.contact.contactId;
    const c = await api.prisma.conversation.create({
      data: { channelId: channel.id, contactId, lastSeq: 1 },
    });
    await strandedCustomerMessage(
      api,
      c.id,
      `How do I reset my ${product} password?`,
      new Date(Date.now() - 10 * 60_000),
    );
    const answer = web.nextFrom('bot');
    expect(await worker.get(BotDispatcherService).recoverStuckTurns()).toBeGreaterThanOrEqual(1);
    expect((await answer).message).toMatchObject({ conversationId: c.id, seq: 2 });
    // Answered: the next sweep leaves it alone.
    const again = await api.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
        WHERE c.id = $1::uuid AND m.author_kind = 'customer'`,
      c.id,
    );
    expect(Number(again[0]!.n)).toBe(0);
  });

  it('LLM bot: searches the knowledge base, answers, and hands off through its tool; replies reach the widget', async () => {
    const { channel, queue, agentSock } = await setup('llm');
    const lastMessage = (body: ChatCompletionCreateParamsNonStreaming) => body.messages.at(-1)!;
    fake.reset((body) => {
      const last = lastMessage(body);
      if (last.role === 'tool') return textCompletion(`Refunds are possible within 30 days of delivery.`);
      if (last.role === 'user' && String(last.content).includes('refund')) {
        return toolCallCompletion([
          { name: 'search_knowledge_base', arguments: { query: `${product} refund` } },
        ]);
      }
      return toolCallCompletion(
        [
          {
            name: 'handoff_to_human',
            arguments: {
              queue: queue.name,
              reason: 'customer wants a refund exception',
              priority: 3,
              summary: 'Order older than 30 days; customer asks for an exception.',
            },
          },
        ],
        'I will pass you to a colleague who can decide on exceptions.',
      );
    });
    const web = await customer(channel.id);
    const answer = web.nextFrom('bot');
    await web.say(`Can I get a refund on my ${product}?`);
    expect((await answer).message.body).toBe('Refunds are possible within 30 days of delivery.');
    // The search result went back to the model.
    expect(JSON.stringify(fake.requests[1]!.body.messages.at(-1))).toContain('30 days of delivery');
    expect(fake.requests[0]!.body.messages[0]).toMatchObject({ role: 'system' });
    expect(String(fake.requests[0]!.body.messages[0]!.content)).toContain(
      'helpful assistant of a small shop',
    );

    const assigned = waitFor<Assigned>(agentSock, 'conversation.assigned');
    const goodbye = web.nextFrom('bot');
    await web.say('It was 40 days ago, I need an exception from a person');
    expect((await goodbye).message.body).toContain('colleague');
    const { conversation, handoff } = await assigned;
    expect(conversation).toMatchObject({ queueId: queue.id, priority: 3 });
    expect(handoff).toMatchObject({
      reason: 'customer wants a refund exception',
      summary: 'Order older than 30 days; customer asks for an exception.',
      context: { source: 'bot', engine: 'llm' },
    });
    expect(handoff.transcript).toHaveLength(4);

    const reply = web.nextFrom('agent');
    await ask(agentSock, 'message.send', {
      conversationId: conversation.id,
      body: 'I can approve that exception.',
      clientMessageId: randomUUID(),
    });
    expect((await reply).message.body).toBe('I can approve that exception.');
  });

  for (const failure of ['500', 'hang'] as const) {
    it(`LLM bot: a server that ${failure === '500' ? 'answers 500' : 'hangs'} hands off with bot_failure within the timeout`, async () => {
      const { channel, agentSock } = await setup('llm');
      fake.reset(() => (failure === '500' ? { status: 500 } : 'hang'));
      const web = await customer(channel.id);
      const assigned = waitFor<Assigned>(
        agentSock,
        'conversation.assigned',
        () => true,
        4 * TIMEOUT_MS + 5_000,
      );
      const apology = web.nextFrom('system', 4 * TIMEOUT_MS + 5_000);
      const started = Date.now();
      await web.say('Where is my parcel?');
      expect((await apology).message.body).toMatch(/person will take over/);
      const { handoff } = await assigned;
      const elapsed = Date.now() - started;
      expect(handoff.reason).toBe('bot_failure');
      expect(handoff.summary).toContain('Where is my parcel?');
      // Two attempts, each cut off at the timeout, plus the retry backoff and a margin for this machine.
      expect(elapsed).toBeLessThan(2 * TIMEOUT_MS + 2_500);
      const failed = await api.prisma.auditEvent.findFirst({
        where: {
          action: 'conversation.bot_failed',
          targetId: (await conversationOf(web.contact.contactId)).id,
        },
      });
      expect(failed).toMatchObject({ result: 'failed' });
    });
  }

  it('lets the turn a worker is running finish, and be recorded done, when the worker shuts down', async () => {
    const { channel } = await setup('llm');
    // The model answers only when the test says so: the turn is surely running when shutdown begins.
    let answer: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    fake.reset(async () => {
      await held;
      return textCompletion('Slow but sure.');
    });
    // A worker of its own (its own Redis prefix), so this turn can only run there.
    const prefix = `${testEnv().REDIS_PREFIX}-stop`;
    const own = await createWorker(testEnv({ ...env, REDIS_PREFIX: prefix }), capturingLogger('warn').logger);
    const bots = new JobQueue(QueueName.Bots, { connection: { url: inject('redisUrl') }, prefix });
    try {
      const contact = await createContact(api, channel.id);
      const c = await api.prisma.conversation.create({
        data: { channelId: channel.id, contactId: contact.id, lastSeq: 1 },
      });
      await strandedCustomerMessage(api, c.id, 'Is anyone there?');
      await own.get(BotDispatcherService).enqueue({ conversationId: c.id, seq: 1 });
      await eventually(
        () => fake.requests.length,
        (n) => n > 0,
      );
      expect(await bots.getWorkers()).toHaveLength(1);

      const closing = own.close();
      // Shutdown has begun: the worker stopped taking jobs (it left the queue) while its turn still waits.
      expect(
        await eventually(
          () => bots.getWorkers(),
          (workers) => workers.length === 0,
        ),
      ).toHaveLength(0);
      answer();
      const started = Date.now();
      await closing;
      // Well under SHUTDOWN_TIMEOUT_MS (10 s): the job finished instead of being cut off.
      expect(Date.now() - started).toBeLessThan(5_000);
      const reply = await api.prisma.message.findFirst({
        where: { conversationId: c.id, authorKind: 'bot' },
      });
      expect(reply?.body).toBe('Slow but sure.');
      // And Redis was still open to record it done: otherwise it would stall and run a second time.
      const job = await api.app
        .get(RedisService)
        .client.hget(`${prefix}:bots:bot-turn-${c.id}-1`, 'finishedOn');
      expect(job).not.toBeNull();
    } finally {
      answer();
      await bots.close();
    }
  });
});
