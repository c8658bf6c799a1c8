import { ZErrorBody, type CreatedApiKey, type HandoffResponse } from '@baton/contracts';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, externalHandoff } from './factories/api-keys.factory.js';
import { queueWith } from './factories/queues.factory.js';
import { signedInAdmin } from './factories/users.factory.js';
import { createUser, signIn, startApi, type Client, type TestApi, type TestUser } from './support/api.js';
import { agentSocket, ask, closeSockets, connected, customerSocket } from './support/sockets.js';
import { tag } from './factories/names.js';

/**
 * Malformed text must be refused at the edge with a 400 (or a `validation_failed` acknowledgement),
 * never reach PostgreSQL (which rejects NUL and invalid UTF-8 with an error the caller would see as a
 * 500), and never leave anything stored.
 */

/** Strings PostgreSQL cannot store or that are not Unicode: each must be refused wherever it appears. */
const poison = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '\ud83d');
/** Anything a client could type: plain, unicode (astral included), long, control characters. */
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant('x'.repeat(20_001)),
);
/** A text with a poison piece somewhere inside ordinary text. */
const poisoned = fc
  .tuple(anyText, poison, anyText)
  .map(([before, bad, after]) => `${before.slice(0, 100)}${bad}${after.slice(0, 100)}`);

/**
 * Percent-encodes like a hostile client would: code unit by code unit, a lone surrogate as the three
 * bytes a careless UTF-8 encoder writes for it (`encodeURIComponent` refuses to).
 */
function encodeHostile(text: string): string {
  return [...text]
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
        return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((byte) => `%${byte.toString(16).toUpperCase()}`)
          .join('');
      }
      return encodeURIComponent(char);
    })
    .join('');
}

interface Reply {
  status: number;
  body: unknown;
}

function expectRefused(reply: Reply): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  const parsed = ZErrorBody.safeParse(reply.body);
  expect(parsed.success, JSON.stringify(reply.body)).toBe(true);
  expect(parsed.data!.error.code).toBe('validation_failed');
  expect(parsed.data!.error.details?.length ?? 0).toBeGreaterThan(0);
}

function expectClientError(reply: Reply): void {
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
  if (reply.status >= 400) {
    const parsed = ZErrorBody.safeParse(reply.body);
    expect(parsed.success, JSON.stringify(reply.body)).toBe(true);
    expect(parsed.data!.error.code).not.toBe('internal_error');
  }
}

type Ack = { ok?: true; error?: { code: string; message: string } };

describe('hostile input never reaches the database', () => {
  let api: TestApi;
  let admin: Client;
  let agentUser: TestUser;
  let agent: Client;
  let key: CreatedApiKey;
  let conversationId: string;
  let queueName: string;
  let visitorToken: string;
  let customer: Socket;
  let staff: Socket;

  const handoff = (body: unknown): Promise<Reply & { body: HandoffResponse }> =>
    externalHandoff(api.base, key.key, body);
  const messageCount = () => api.prisma.message.count();
  const conversationCount = () => api.prisma.conversation.count();

  beforeAll(async () => {
    api = await startApi({ WIDGET_MESSAGES_PER_WINDOW: '10000' });
    admin = await signedInAdmin(api);
    agentUser = await createUser(api, { roles: ['agent'], email: `hostile-${tag()}@example.test` });
    const queue = await queueWith(admin, [{ userId: agentUser.id }]);
    queueName = queue.name;
    key = await createApiKey(admin);
    const created = await handoff({ queue: queue.name, agent_email: agentUser.email, note: 'first' });
    expect(created.status).toBe(201);
    conversationId = created.body.caseId;
    agent = await signIn(api, agentUser);
    staff = agentSocket(api, agent);
    await connected(staff);

    const channel = await api.prisma.channel.create({
      data: { kind: 'webchat', name: `hostile-${tag()}`, config: { allowedOrigins: [] }, enabled: true },
    });
    const session = await fetch(`${api.base}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.250.0.1' },
      body: JSON.stringify({ channelId: channel.id }),
    });
    visitorToken = ((await session.json()) as { token: string }).token;
    customer = customerSocket(api, visitorToken, { 'x-forwarded-for': '10.250.0.1' });
    await connected(customer);
  });
  afterAll(async () => {
    closeSockets();
    await api?.close();
  });

  describe('the examples from the security test', () => {
    it('refuses a cursor that is not a sequence number with a 400', async () => {
      const reply = await admin.get('/api/v1/audit/events?cursor=abc');
      expectRefused(reply);
      expect(JSON.stringify(reply.body)).toContain('cursor');
    });

    it('refuses a NUL in an audit filter with a 400', async () => {
      expectRefused(await admin.get('/api/v1/audit/events?actorEmail=%00'));
    });

    it('refuses a NUL in a message body over REST with a 400 and stores nothing', async () => {
      const before = await messageCount();
      const reply = await agent.post(`/api/v1/conversations/${conversationId}/messages`, {
        body: 'hello\u0000world',
        clientMessageId: `nul-${tag()}`,
      });
      expectRefused(reply);
      expect(await messageCount()).toBe(before);
    });

    it('refuses a NUL in a customer message on /customer with validation_failed and stores nothing', async () => {
      const before = await messageCount();
      const ack = await ask<Ack>(customer, 'message.send', {
        body: 'hello\u0000world',
        clientMessageId: `nul-${tag()}`,
      });
      expect(ack.error?.code).toBe('validation_failed');
      expect(await messageCount()).toBe(before);
    });

    it('refuses a handoff note with a lone surrogate with a 400 and creates no case', async () => {
      const before = await conversationCount();
      const reply = await handoff({ queue: queueName, note: 'see \ud800 here' });
      expectRefused(reply);
      expect(await conversationCount()).toBe(before);
    });
  });

  describe('generated hostile input (fast-check)', () => {
    // 5 HTTP/socket properties × 100 runs = 500 cases sent to the real API; the other 10,000+ cases
    // run against every request contract directly (libs/contracts/src/text.spec.ts).
    const runs = { numRuns: 100 };

    it('audit search: any query is a 4xx or a page, one with a NUL a 400', async () => {
      const field = fc.constantFrom(
        'cursor',
        'actorEmail',
        'actorId',
        'action',
        'targetType',
        'targetId',
        'from',
        'to',
        'limit',
        'result',
      );
      await fc.assert(
        // A URL is capped well below the 20,000 characters of `anyText`: beyond Node's 16 KiB header
        // limit the HTTP parser itself answers 431, before Baton sees the request.
        // Invalid UTF-8 in a query string never decodes to a lone surrogate (it stays raw or becomes U+FFFD),
        // so lone surrogates go with the "any text" cases and NUL is the poison.
        fc.asyncProperty(field, fc.oneof(anyText, poisoned), poisoned, async (name, long, bad) => {
          const text = long.slice(0, 4_000);
          expectClientError(await admin.get(`/api/v1/audit/events?${name}=${encodeHostile(text)}`));
          const withNul = `${bad.slice(0, 100)}\u0000`;
          expectRefused(await admin.get(`/api/v1/audit/events?${name}=${encodeHostile(withNul)}`));
        }),
        runs,
      );
    });

    it('staff replies over REST: poisoned body or id is a 400 and nothing is stored', async () => {
      await fc.assert(
        fc.asyncProperty(poisoned, fc.boolean(), fc.boolean(), async (bad, inBody, internal) => {
          const before = await messageCount();
          const reply = await agent.post(`/api/v1/conversations/${conversationId}/messages`, {
            body: inBody ? bad : 'fine',
            clientMessageId: inBody ? `ok-${randomUUID()}` : `${bad}-${randomUUID()}`,
            internal,
          });
          expectRefused(reply);
          expect(await messageCount()).toBe(before);
        }),
        runs,
      );
    });

    it('handoff: a poisoned field anywhere is a 400 and no case is created', async () => {
      const field = fc.constantFrom(
        (bad: string) => ({ note: bad }),
        (bad: string) => ({ case_info: bad }),
        (bad: string) => ({ reason: bad }),
        (bad: string) => ({ summary: bad }),
        (bad: string) => ({ queue: bad }),
        (bad: string) => ({ contact: { id: bad } }),
        (bad: string) => ({ case_extra_data: { language: bad } }),
        (bad: string) => ({ case_extra_data: { anything: { deep: [bad] } } }),
        (bad: string) => ({ on_finish: { payload: bad } }),
        (bad: string) => ({ bot_event: { [bad]: 1 } }),
        (bad: string) => ({ transcript: [{ author: 'customer', text: bad }] }),
      );
      await fc.assert(
        fc.asyncProperty(field, poisoned, async (build, bad) => {
          const before = await conversationCount();
          expectRefused(await handoff({ queue: queueName, ...build(bad) }));
          expect(await conversationCount()).toBe(before);
        }),
        runs,
      );
    });

    it('agent socket: a poisoned message.send is refused and stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(poisoned, async (bad) => {
          const before = await messageCount();
          const ack = await ask<Ack>(staff, 'message.send', {
            conversationId,
            body: bad,
            clientMessageId: `ok-${randomUUID()}`,
          });
          expect(ack.error?.code).toBe('validation_failed');
          expect(await messageCount()).toBe(before);
        }),
        runs,
      );
    });

    it('customer socket: a poisoned message.send is refused and stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(poisoned, fc.boolean(), async (bad, inBody) => {
          const before = await messageCount();
          const ack = await ask<Ack>(customer, 'message.send', {
            body: inBody ? bad : 'fine',
            clientMessageId: inBody ? `ok-${randomUUID()}` : `${bad}-${randomUUID()}`,
          });
          expect(ack.error?.code).toBe('validation_failed');
          expect(await messageCount()).toBe(before);
        }),
        runs,
      );
    });
  });
});
