import type {
  CustomerConversationState,
  CustomerConversationUpdated,
  CustomerMessage,
  WidgetSessionResponse,
} from '@baton/contracts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../src/generated/prisma/client.js';
import { RouteAccessRegistry } from '../src/modules/auth/route-access.registry.js';
import { ConversationsService } from '../src/modules/conversations/conversations.service.js';
import { VisitorTokenService } from '../src/modules/widget/visitor-token.service.js';
import { RoutingEngine } from '../src/modules/routing/routing.engine.js';
import { tag } from './factories/names.js';
import { Client, createUser, signIn, startApi, uniqueIp, type Reply, type TestApi } from './support/api.js';
import { closeSockets, connected, customerSocket, waitFor } from './support/sockets.js';

const SHOP = 'https://shop.example';

type Ack<T> = T | { error: { code: string; message: string; retryAfterSeconds?: number } };

describe('web chat widget', () => {
  let a: TestApi;
  /** Tight limits: 3 messages per window per visitor, 2 new visitors / conversations per hour. */
  let limited: TestApi;

  beforeAll(async () => {
    [a, limited] = await Promise.all([
      startApi(),
      startApi({ WIDGET_MESSAGES_PER_WINDOW: '3', WIDGET_CONVERSATIONS_PER_HOUR: '2' }),
    ]);
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), limited?.close()]);
  });

  function webchat(
    config: Prisma.InputJsonValue,
    data: { enabled?: boolean; kind?: 'webchat' | 'whatsapp' } = {},
  ) {
    return a.prisma.channel.create({
      data: { kind: data.kind ?? 'webchat', name: `widget-${tag()}`, config, enabled: data.enabled ?? true },
    });
  }

  /** What the widget does on a page at `origin` (a browser always sends Origin on a cross-site POST). */
  async function session(
    api: TestApi,
    body: Record<string, unknown>,
    from: { origin?: string; ip: string },
  ): Promise<Reply<WidgetSessionResponse & { error: { code: string } }>> {
    const response = await fetch(`${api.base}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': from.ip,
        ...(from.origin && { origin: from.origin }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as WidgetSessionResponse & { error: { code: string } },
      headers: response.headers,
    };
  }

  const connect = (api: TestApi, token: string, from: { origin?: string; ip: string }): Socket =>
    customerSocket(api, token, { 'x-forwarded-for': from.ip, ...(from.origin && { origin: from.origin }) });

  const refused = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('connect_error', (err: Error) => resolve(err.message)));
  const ask = <T>(socket: Socket, event: string, payload: unknown) =>
    socket.timeout(3_000).emitWithAck(event, payload) as Promise<Ack<T>>;
  /** The first `event` whose payload satisfies `match`. */
  const until = <T>(socket: Socket, event: string, match: (payload: T) => boolean, timeoutMs = 3_000) =>
    waitFor<T>(socket, event, match, timeoutMs);
  const ok = <T>(reply: Ack<T>): T => {
    if (reply && typeof reply === 'object' && 'error' in reply) throw new Error(JSON.stringify(reply.error));
    return reply;
  };

  /** A new visitor of `channelId` with a connected socket. */
  async function visitor(api: TestApi, channelId: string, from: { origin?: string; ip: string }) {
    const started = await session(api, { channelId }, from);
    expect(started.status).toBe(200);
    const socket = connect(api, started.body.token, from);
    await connected(socket);
    const contactId = a.app.get(VisitorTokenService).verify(started.body.token)!.contactId;
    return { token: started.body.token, contactId, socket };
  }

  async function agentFor(queueId: string, presence: 'available' | 'offline' = 'available') {
    const user = await createUser(a, { roles: ['agent'] });
    await a.prisma.agentState.create({ data: { userId: user.id, capacity: 5, presence } });
    await a.prisma.queueMember.create({ data: { queueId, userId: user.id, skills: [] } });
    const displayName = (await a.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).displayName;
    return { user, displayName };
  }

  it('creates a visitor for a new browser and keeps the same visitor for its token', async () => {
    const channel = await webchat({ allowedOrigins: [SHOP], greeting: 'Hello! How can we help?' });
    const ip = uniqueIp();

    const preflight = await fetch(`${a.base}/api/v1/widget/sessions`, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);

    const first = await session(a, { channelId: channel.id }, { origin: SHOP, ip });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      channel: { name: channel.name, greeting: 'Hello! How can we help?' },
      conversation: null,
    });
    expect(first.headers.get('access-control-allow-origin')).toBe(SHOP);
    const tokens = a.app.get(VisitorTokenService);
    const visitor = tokens.verify(first.body.token)!;
    expect(visitor.channelId).toBe(channel.id);
    expect(await a.prisma.contact.findUniqueOrThrow({ where: { id: visitor.contactId } })).toMatchObject({
      channelId: channel.id,
      externalId: expect.stringMatching(/^web_[0-9a-f-]{36}$/),
    });
    expect(
      await a.prisma.auditEvent.findFirst({
        where: { action: 'contact.created', targetId: visitor.contactId },
      }),
    ).toMatchObject({ result: 'success', ip, data: { channelId: channel.id, source: 'widget' } });

    const again = await session(a, { channelId: channel.id, token: first.body.token }, { origin: SHOP, ip });
    expect(again.status).toBe(200);
    expect(tokens.verify(again.body.token)).toEqual(visitor);
    expect(await a.prisma.contact.count({ where: { channelId: channel.id } })).toBe(1);

    // A token is only good for the channel it was issued for; elsewhere the browser is a new visitor.
    const other = await webchat({ allowedOrigins: [] });
    const elsewhere = await session(
      a,
      { channelId: other.id, token: first.body.token },
      { origin: SHOP, ip },
    );
    expect(elsewhere.status).toBe(200);
    expect(tokens.verify(elsewhere.body.token)!.contactId).not.toBe(visitor.contactId);
  });

  it('refuses channels it does not serve (404) and pages the channel does not allow (403, audited)', async () => {
    const ip = uniqueIp();
    const disabled = await webchat({ allowedOrigins: [] }, { enabled: false });
    const whatsapp = await webchat({ phoneNumberId: 'pn-1' }, { kind: 'whatsapp' });
    for (const channelId of [randomUUID(), disabled.id, whatsapp.id]) {
      const reply = await session(a, { channelId }, { origin: SHOP, ip });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('widget.channel_not_found');
    }
    expect((await session(a, { channelId: 'not-a-uuid' }, { ip })).body.error.code).toBe('validation_failed');

    const channel = await webchat({ allowedOrigins: [SHOP] });
    for (const origin of ['https://evil.example', undefined]) {
      const reply = await session(a, { channelId: channel.id }, { origin, ip });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('widget.origin_not_allowed');
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    }
    const denials = await a.prisma.auditEvent.findMany({
      where: { action: 'access.denied', targetId: channel.id },
      orderBy: { seq: 'asc' },
    });
    expect(denials.map((d) => [d.result, d.ip, (d.data as { origin: string | null }).origin])).toEqual([
      ['denied', ip, 'https://evil.example'],
      ['denied', ip, null],
    ]);
    expect(await a.prisma.contact.count({ where: { channelId: channel.id } })).toBe(0);

    // The socket applies the same rules to a token that is otherwise valid.
    const { token } = await visitor(a, channel.id, { origin: SHOP, ip });
    expect(await refused(connect(a, token, { origin: 'https://evil.example', ip }))).toBe(
      'origin_not_allowed',
    );
    await a.prisma.channel.update({ where: { id: channel.id }, data: { enabled: false } });
    expect(await refused(connect(a, token, { origin: SHOP, ip }))).toBe('channel_unavailable');
    expect(
      await a.prisma.auditEvent.count({
        where: { action: 'access.denied', targetId: '/customer connect', ip, result: 'denied' },
      }),
    ).toBe(2);
  });

  it('sends over a widget session, and after a reconnect back-fills exactly the missed messages', async () => {
    const queue = await a.prisma.queue.create({ data: { name: `widget-q-${tag()}`, requiredSkills: [] } });
    const agent = await agentFor(queue.id);
    const staff = await signIn(a, agent.user);
    const channel = await webchat({ allowedOrigins: [SHOP] });
    const from = { origin: SHOP, ip: uniqueIp() };
    const { token, socket } = await visitor(a, channel.id, from);

    const payload = { body: 'Where is my order?', clientMessageId: 'widget-msg-0001' };
    const sent = ok(await ask<{ ok: true; message: CustomerMessage }>(socket, 'message.send', payload));
    expect(sent.message).toMatchObject({
      seq: 1,
      authorKind: 'customer',
      clientMessageId: 'widget-msg-0001',
    });
    const conversationId = sent.message.conversationId;
    // The widget's outbox re-sends whatever was not acknowledged: the server stores it once.
    const resent = ok(await ask<{ ok: true; message: CustomerMessage }>(socket, 'message.send', payload));
    expect(resent.message.id).toBe(sent.message.id);

    const helped = until<CustomerConversationUpdated>(
      socket,
      'conversation.updated',
      (u) => u.status === 'assigned',
    );
    await a.app
      .get(ConversationsService)
      .handoff(conversationId, { queueId: queue.id, reason: 'customer_asked' });
    expect(await helped).toEqual({ conversationId, status: 'assigned', agentName: agent.displayName });

    socket.disconnect();
    const reply = (body: string, clientMessageId: string, internal = false) =>
      staff.post(`/api/v1/conversations/${conversationId}/messages`, { body, clientMessageId, internal });
    expect((await reply('Let me check that for you.', 'agent-reply-0001')).status).toBe(201);
    expect((await reply('Carrier says Tuesday', 'agent-note-0001', true)).status).toBe(201);
    expect((await reply('It arrives on Tuesday.', 'agent-reply-0002')).status).toBe(201);

    // A reload: the stored token names the same visitor, and the session says where it was.
    const resumed = await session(a, { channelId: channel.id, token }, from);
    expect(resumed.body.conversation).toEqual({
      id: conversationId,
      status: 'assigned',
      agentName: agent.displayName,
      lastSeq: 4,
    });
    const again = connect(a, resumed.body.token, from);
    const live: CustomerMessage[] = [];
    again.on('message.created', ({ message }: { message: CustomerMessage }) => live.push(message));
    await connected(again);
    const current = ok(
      await ask<{ ok: true; conversation: CustomerConversationState }>(again, 'conversation.current', {}),
    );
    expect(current.conversation).toEqual({
      id: conversationId,
      status: 'assigned',
      agentName: agent.displayName,
      lastSeq: 4,
      position: null,
      estimatedWaitSeconds: null,
    });
    const missed = ok(
      await ask<{ ok: true; messages: CustomerMessage[] }>(again, 'messages.fetch', {
        conversationId,
        afterSeq: 1,
      }),
    );
    expect(missed.messages.map((m) => [m.seq, m.authorKind, m.body])).toEqual([
      [2, 'agent', 'Let me check that for you.'],
      [4, 'agent', 'It arrives on Tuesday.'],
    ]);

    const arrived = until<{ message: CustomerMessage }>(again, 'message.created', () => true);
    await reply('Anything else?', 'agent-reply-0003');
    expect((await arrived).message).toMatchObject({ seq: 5, authorKind: 'agent' });
    expect(live.map((m) => m.seq)).toEqual([5]);
  });

  it('refuses messages past the per-visitor and per-IP windows with rate_limited, and audits each refusal', async () => {
    const channel = await webchat({ allowedOrigins: [] });
    const ip = uniqueIp();
    const { contactId, socket } = await visitor(limited, channel.id, { ip });
    for (let i = 1; i <= 3; i += 1) {
      ok(await ask(socket, 'message.send', { body: `Message ${i}`, clientMessageId: `rate-msg-000${i}` }));
    }
    const refusal = await ask<never>(socket, 'message.send', {
      body: 'One more',
      clientMessageId: 'rate-msg-0004',
    });
    expect(refusal).toEqual({
      error: { code: 'rate_limited', message: expect.any(String), retryAfterSeconds: expect.any(Number) },
    });
    const { retryAfterSeconds } = (refusal as { error: { retryAfterSeconds: number } }).error;
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(await limited.prisma.message.count({ where: { conversation: { contactId } } })).toBe(3);
    expect(
      await limited.prisma.auditEvent.findFirst({
        where: { action: 'message.throttled', targetId: contactId },
      }),
    ).toMatchObject({
      result: 'denied',
      ip,
      data: { limit: 'messages_per_visitor', max: 3, windowSeconds: 30, channelId: channel.id },
    });

    // Per IP: four times the per-visitor limit, however many visitors share the address.
    const shared = uniqueIp();
    const tokens = limited.app.get(VisitorTokenService);
    let sent = 0;
    let lastRefusal: Ack<unknown> | undefined;
    for (let v = 0; v < 5 && !lastRefusal; v += 1) {
      const contact = await a.prisma.contact.create({
        data: { channelId: channel.id, externalId: randomUUID() },
      });
      const s = connect(limited, tokens.issue({ contactId: contact.id, channelId: channel.id }), {
        ip: shared,
      });
      await connected(s);
      for (let i = 0; i < 3; i += 1) {
        const r = await ask(s, 'message.send', { body: 'Hi', clientMessageId: `ip-msg-${v}-${i}-${tag()}` });
        if ('error' in (r as object)) {
          lastRefusal = r;
          break;
        }
        sent += 1;
      }
    }
    expect(sent).toBe(12);
    expect((lastRefusal as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(
      await limited.prisma.auditEvent.findFirst({
        where: { action: 'message.throttled', ip: shared },
      }),
    ).toMatchObject({ result: 'denied', data: { limit: 'messages_per_ip', max: 12 } });
  });

  it('limits new visitors per IP (429 with Retry-After, audited) and new conversations per visitor', async () => {
    const channel = await webchat({ allowedOrigins: [] });
    const ip = uniqueIp();
    const first = await session(limited, { channelId: channel.id }, { ip });
    expect((await session(limited, { channelId: channel.id }, { ip })).status).toBe(200);
    const third = await session(limited, { channelId: channel.id }, { ip });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(3_600);
    expect(await limited.prisma.contact.count({ where: { channelId: channel.id } })).toBe(2);
    expect(
      await limited.prisma.auditEvent.findFirst({
        where: { action: 'message.throttled', targetId: channel.id },
      }),
    ).toMatchObject({ result: 'denied', ip, data: { limit: 'new_visitors_per_ip', max: 2 } });
    // A returning visitor is not a new one, and another address is not limited by this one.
    expect((await session(limited, { channelId: channel.id, token: first.body.token }, { ip })).status).toBe(
      200,
    );
    expect((await session(limited, { channelId: channel.id }, { ip: uniqueIp() })).status).toBe(200);

    // New conversations: 2 per visitor per hour (enforced just before the conversation would start).
    const socket = connect(limited, first.body.token, { ip });
    await connected(socket);
    const contactId = a.app.get(VisitorTokenService).verify(first.body.token)!.contactId;
    for (let i = 1; i <= 2; i += 1) {
      const sent = ok(
        await ask<{ ok: true; message: CustomerMessage }>(socket, 'message.send', {
          body: `Conversation ${i}`,
          clientMessageId: `conv-msg-000${i}`,
        }),
      );
      await limited.prisma.conversation.update({
        where: { id: sent.message.conversationId },
        data: { status: 'closed', closedAt: new Date() },
      });
    }
    const refusal = await ask<never>(socket, 'message.send', {
      body: 'Third',
      clientMessageId: 'conv-msg-0003',
    });
    expect((refusal as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(await limited.prisma.conversation.count({ where: { contactId } })).toBe(2);
    expect(
      await limited.prisma.auditEvent.findFirst({
        where: { action: 'message.throttled', targetId: contactId },
      }),
    ).toMatchObject({ data: { limit: 'conversations_per_visitor', max: 2 } });
  });

  it('answers conversation.current with the place in the queue and the wait, then the agent helping', async () => {
    const channel = await webchat({ allowedOrigins: [] });
    const queue = await a.prisma.queue.create({ data: { name: `widget-wait-${tag()}`, requiredSkills: [] } });
    // History: the last conversation served from this queue waited 90 s.
    const past = await a.prisma.contact.create({ data: { channelId: channel.id, externalId: randomUUID() } });
    const now = Date.now();
    await a.prisma.conversation.create({
      data: {
        channelId: channel.id,
        contactId: past.id,
        status: 'resolved',
        queueId: queue.id,
        waitingSince: new Date(now - 90_000),
        assignedAt: new Date(now),
      },
    });
    const handoff = (id: string) => a.app.get(ConversationsService).handoff(id, { queueId: queue.id });
    const ahead = await a.prisma.contact.create({
      data: { channelId: channel.id, externalId: randomUUID() },
    });
    const aheadConversation = await a.prisma.conversation.create({
      data: { channelId: channel.id, contactId: ahead.id },
    });
    await handoff(aheadConversation.id);

    const { socket } = await visitor(a, channel.id, { ip: uniqueIp() });
    const sent = ok(
      await ask<{ ok: true; message: CustomerMessage }>(socket, 'message.send', {
        body: 'Can I talk to someone?',
        clientMessageId: 'wait-msg-0001',
      }),
    );
    const conversationId = sent.message.conversationId;
    await handoff(conversationId);
    const waiting = ok(
      await ask<{ ok: true; conversation: CustomerConversationState }>(socket, 'conversation.current', {}),
    );
    expect(waiting.conversation).toEqual({
      id: conversationId,
      status: 'queued',
      agentName: null,
      lastSeq: 1,
      position: 2,
      // 90 s per place ahead of and including this one, with no agent available to share the load.
      estimatedWaitSeconds: 180,
    });

    const agent = await agentFor(queue.id);
    const helped = until<CustomerConversationUpdated>(
      socket,
      'conversation.updated',
      (u) => u.status === 'assigned',
    );
    await a.app.get(RoutingEngine).route({ queueId: queue.id });
    expect(await helped).toEqual({ conversationId, status: 'assigned', agentName: agent.displayName });
    const assigned = ok(
      await ask<{ ok: true; conversation: CustomerConversationState }>(socket, 'conversation.current', {}),
    );
    expect(assigned.conversation).toMatchObject({
      status: 'assigned',
      agentName: agent.displayName,
      position: null,
      estimatedWaitSeconds: null,
    });

    const invalid = await ask<never>(socket, 'conversation.current', { contactId: randomUUID() });
    expect((invalid as { error: { code: string } }).error.code).toBe('validation_failed');
  });

  it('serves /demo: a shop page embedding the widget with the demo channel, under the API CSP', async () => {
    const demo = await a.prisma.channel.upsert({
      where: { name: 'Demo website' },
      update: {},
      create: {
        kind: 'webchat',
        name: 'Demo website',
        config: { allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'] },
      },
    });
    const page = await new Client(a.base).get<string>('/demo');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain(
      `<script src="/widget/widget.js" data-baton-channel="${demo.id}" async></script>`,
    );
    // Works under the CSP the API sends: no inline script (script-src falls back to 'self').
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.body.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();

    expect((await new Client(a.base).get('/api/demo')).status).toBe(404);
    expect(a.app.get(RouteAccessRegistry).list()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/demo', access: 'public' }),
        expect.objectContaining({ method: 'POST', path: '/api/v1/widget/sessions', access: 'public' }),
        expect.objectContaining({ method: 'SOCKET', path: '/customer conversation.current' }),
      ]),
    );
  });
});
