import type {
  ContactErasure,
  ContactExport,
  ContactMatch,
  CreatedApiKey,
  Queue,
  WidgetSessionResponse,
} from '@baton/contracts';
import { ERASED_MESSAGE_BODY } from '@baton/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/bootstrap.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { VisitorTokenService } from '../src/modules/widget/visitor-token.service.js';
import { webchatChannel } from './factories/channels.factory.js';
import { createApiKey, externalHandoff } from './factories/api-keys.factory.js';
import { tag } from './factories/names.js';
import { queueWith } from './factories/queues.factory.js';
import {
  createUser,
  eventually,
  signIn,
  startApi,
  uniqueIp,
  type Client,
  type TestApi,
} from './support/api.js';
import { customerSocket } from './support/sockets.js';
import { capturingLogger, testEnv } from './support/test-env.js';

const DAY_MS = 86_400_000;

/** A customer as an external bot hands them off: identity, transcript, brief and bot context. */
function customer() {
  const t = tag();
  return {
    id: `crm-${t}`,
    name: `Zoë Quiñones ${t}`,
    email: `zoe.${t}@example.test`,
    phone: `+34 600 ${t.slice(0, 3).replace(/\D/g, '1')} ${Date.now() % 1000}`,
    secret: `card ending ${t}`,
  };
}

describe("customers' personal data", () => {
  let api: TestApi;
  let admin: Client;
  let adminId: string;
  let agent: Client;
  let agentId: string;
  let key: CreatedApiKey;
  let queue: Queue;

  beforeAll(async () => {
    api = await startApi();
    const adminUser = await createUser(api, { roles: ['admin'], mfa: true });
    adminId = adminUser.id;
    admin = await signIn(api, adminUser);
    const agentUser = await createUser(api, { roles: ['agent'] });
    agentId = agentUser.id;
    agent = await signIn(api, agentUser);
    queue = await queueWith(admin, [{ userId: agentId }]);
    key = await createApiKey(admin);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A queued case for this customer, with a staff note quoting them. */
  async function caseFor(person: ReturnType<typeof customer>): Promise<string> {
    const reply = await externalHandoff(api.base, key.key, {
      queue: queue.name,
      contact: { id: person.id, name: person.name, email: person.email, phone: person.phone },
      transcript: [
        { author: 'customer', text: `Hi, I am ${person.name}, my ${person.secret} was charged twice` },
        { author: 'bot', text: `Thanks ${person.name}, passing you to a person` },
      ],
      summary: `${person.name} disputes a charge on ${person.secret}`,
      note: `Call back on ${person.phone}`,
      case_extra_data: { location: 'Valencia', crm: person.email },
    });
    expect(reply.status).toBe(201);
    const caseId = reply.body.caseId;
    await stored(caseId, {
      authorKind: 'agent',
      kind: 'note',
      internal: true,
      authorUserId: agentId,
      body: `${person.name} sounded upset`,
    });
    return caseId;
  }

  /** A message stored straight in the conversation with its next `seq`. */
  async function stored(
    conversationId: string,
    message: Pick<
      Prisma.MessageUncheckedCreateInput,
      'authorKind' | 'kind' | 'body' | 'internal' | 'authorUserId'
    >,
  ): Promise<void> {
    const { lastSeq } = await api.prisma.conversation.update({
      where: { id: conversationId },
      data: { lastSeq: { increment: 1 } },
    });
    await api.prisma.message.create({ data: { conversationId, seq: lastSeq, ...message } });
  }

  async function contactOf(caseId: string): Promise<string> {
    return (await api.prisma.conversation.findUniqueOrThrow({ where: { id: caseId } })).contactId;
  }

  /** Every audit row, as text, that mentions one of `values`. */
  async function auditRowsMentioning(values: string[]): Promise<string[]> {
    const rows = await api.prisma.$queryRaw<{ row: string }[]>`
      SELECT to_jsonb(a)::text AS row FROM audit_events a`;
    return rows.map((r) => r.row).filter((row) => values.some((v) => row.includes(v)));
  }

  it('finds a contact by exact email or phone, for admins only, and audits the search without the value', async () => {
    const person = customer();
    const contactId = await contactOf(await caseFor(person));

    const byEmail = await admin.get<ContactMatch[]>(
      `/api/v1/contacts?email=${encodeURIComponent(person.email.toUpperCase())}`,
    );
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.map((m) => m.id)).toEqual([contactId]);
    const spaced = person.phone.replace(/ /g, '-');
    const byPhone = await admin.get<ContactMatch[]>(`/api/v1/contacts?phone=${encodeURIComponent(spaced)}`);
    expect(byPhone.body).toEqual([
      expect.objectContaining({ id: contactId, channelId: expect.any(String), erasedAt: null }),
    ]);
    expect((await admin.get<ContactMatch[]>('/api/v1/contacts?email=nobody%40example.test')).body).toEqual(
      [],
    );
    expect((await admin.get('/api/v1/contacts')).status).toBe(400);

    const refused = await agent.get<{ error: { code: string } }>(
      `/api/v1/contacts?email=${encodeURIComponent(person.email)}`,
    );
    expect(refused.status).toBe(403);

    const searches = await api.prisma.auditEvent.findMany({ where: { action: 'contact.searched' } });
    expect(searches.some((e) => JSON.stringify(e.data).includes(contactId))).toBe(true);
    expect(await auditRowsMentioning([person.email, person.phone, spaced])).toEqual([]);
  });

  it('exports everything about a contact, decrypted, behind step-up, and audits the export', async () => {
    const person = customer();
    const caseId = await caseFor(person);
    const contactId = await contactOf(caseId);

    const refused = await agent.get(`/api/v1/contacts/${contactId}/export`);
    expect(refused.status).toBe(403);
    expect((await admin.get(`/api/v1/contacts/00000000-0000-4000-8000-000000000000/export`)).status).toBe(
      404,
    );

    const reply = await admin.get<ContactExport>(`/api/v1/contacts/${contactId}/export`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-disposition')).toContain(`baton-contact-${contactId}.json`);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const exported = reply.body;
    expect(exported.contact).toMatchObject({
      id: contactId,
      name: person.name,
      email: person.email,
      erasedAt: null,
    });
    expect(exported.contact.phone).toBe(`+${person.phone.replace(/\D/g, '')}`);
    expect(exported.contact.externalId).toContain(person.id);
    expect(exported.conversations).toHaveLength(1);
    const [conversation] = exported.conversations;
    expect(conversation).toMatchObject({
      id: caseId,
      status: 'queued',
      handoff: {
        summary: expect.stringContaining(person.secret),
        context: expect.objectContaining({ note: `Call back on ${person.phone}` }),
      },
      botRequest: expect.objectContaining({
        case_extra_data: expect.objectContaining({ crm: person.email }),
      }),
    });
    expect(conversation?.messages.map((m) => [m.seq, m.authorKind, m.kind, m.internal, m.body])).toEqual([
      [1, 'customer', 'customer', false, expect.stringContaining(person.secret)],
      [2, 'bot', 'bot', false, expect.stringContaining(person.name)],
      [3, 'agent', 'note', true, `${person.name} sounded upset`],
    ]);
    // The contact's trail, without who acted or from where.
    expect(exported.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['contact.created', 'conversation.handed_off', 'message.created']),
    );
    const auditText = JSON.stringify(exported.audit);
    expect(auditText).not.toMatch(/@|10\.\d+\.\d+\.\d+|baton-tests/);

    const exports = await api.prisma.auditEvent.findMany({
      where: { action: 'contact.exported', targetId: contactId },
    });
    expect(exports.map((e) => e.data)).toEqual([{ conversations: 1, messages: 3 }]);

    // Step-up: an admin whose MFA is older than the window is sent to confirm it first.
    const session = await api.prisma.session.findFirstOrThrow({
      where: { userId: adminId, revokedAt: null },
    });
    await api.prisma.session.update({
      where: { id: session.id },
      data: { mfaVerifiedAt: new Date(Date.now() - 3_600_000) },
    });
    const stale = await admin.get<{ error: { code: string } }>(`/api/v1/contacts/${contactId}/export`);
    expect(stale.body.error.code).toBe('auth.step_up_required');
    await api.prisma.session.update({ where: { id: session.id }, data: { mfaVerifiedAt: new Date() } });
  });

  it('erases a contact: refused while a conversation is live unless forced, redacted everywhere, idempotent', async () => {
    const person = customer();
    const caseId = await caseFor(person);
    const contactId = await contactOf(caseId);
    const before = await api.prisma.message.findMany({
      where: { conversationId: caseId },
      orderBy: { seq: 'asc' },
    });

    expect((await agent.post(`/api/v1/contacts/${contactId}/erasure`, {})).status).toBe(403);
    const live = await admin.post<{ error: { code: string; message: string } }>(
      `/api/v1/contacts/${contactId}/erasure`,
      {},
    );
    expect(live.status).toBe(409);
    expect(live.body.error.code).toBe('privacy.contact_has_live_conversations');
    expect(
      await api.prisma.auditEvent.findMany({
        where: { action: 'contact.erased', targetId: contactId, result: 'denied' },
      }),
    ).toHaveLength(1);
    expect((await api.prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).erasedAt).toBeNull();

    const erased = await admin.post<ContactErasure>(`/api/v1/contacts/${contactId}/erasure`, { force: true });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      contactId,
      alreadyErased: false,
      conversations: 1,
      messages: 3,
      handoffs: 1,
      botRequests: 1,
      liveConversations: 1,
    });

    const contact = await api.prisma.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact).toMatchObject({
      externalId: `erased:${contactId}`,
      nameCiphertext: null,
      emailCiphertext: null,
      phoneCiphertext: null,
      emailBlindIndex: null,
      phoneBlindIndex: null,
      keyId: null,
    });
    expect(contact.erasedAt).not.toBeNull();
    const after = await api.prisma.message.findMany({
      where: { conversationId: caseId },
      orderBy: { seq: 'asc' },
    });
    expect(after.map((m) => [m.seq, m.authorKind, m.kind, m.createdAt.getTime()])).toEqual(
      before.map((m) => [m.seq, m.authorKind, m.kind, m.createdAt.getTime()]),
    );
    expect(after.map((m) => m.body)).toEqual([ERASED_MESSAGE_BODY, ERASED_MESSAGE_BODY, ERASED_MESSAGE_BODY]);
    const conversation = await api.prisma.conversation.findUniqueOrThrow({
      where: { id: caseId },
      include: { externalCase: true },
    });
    expect(conversation).toMatchObject({ handoffSummary: null, handoffContext: null });
    expect(conversation.externalCase?.request).toEqual({});

    // Nothing finds or shows them any more; the trail keeps the fact without the data.
    expect(
      (await admin.get<ContactMatch[]>(`/api/v1/contacts?email=${encodeURIComponent(person.email)}`)).body,
    ).toEqual([]);
    const exported = (await admin.get<ContactExport>(`/api/v1/contacts/${contactId}/export`)).body;
    expect(exported.contact).toMatchObject({ name: null, email: null, phone: null });
    expect(JSON.stringify(exported)).not.toMatch(
      new RegExp([person.name, person.email, person.secret].join('|')),
    );
    const [event] = await api.prisma.auditEvent.findMany({
      where: { action: 'contact.erased', targetId: contactId, result: 'success' },
    });
    expect(event?.actorId).not.toBeNull();
    expect(event?.data).toMatchObject({ conversations: 1, messages: 3, forced: true });
    expect(
      await auditRowsMentioning([person.name, person.email, person.phone, person.secret, person.id]),
    ).toEqual([]);

    // The conversation was still live: what the customer writes afterwards is erased by erasing again.
    await stored(caseId, { authorKind: 'customer', kind: 'customer', body: person.secret });
    const again = await admin.post<ContactErasure>(`/api/v1/contacts/${contactId}/erasure`, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyErased: true, erasedAt: erased.body.erasedAt, messages: 1 });
    const idempotent = await admin.post<ContactErasure>(`/api/v1/contacts/${contactId}/erasure`, {});
    expect(idempotent.body).toMatchObject({ alreadyErased: true, messages: 0, handoffs: 0, botRequests: 0 });
    expect(await api.prisma.message.count({ where: { conversationId: caseId, body: person.secret } })).toBe(
      0,
    );
    const events = await api.prisma.auditEvent.findMany({
      where: { action: 'contact.erased', targetId: contactId },
      orderBy: { seq: 'asc' },
    });
    expect(events.map((e) => [e.result, (e.data as { again?: boolean }).again ?? null])).toEqual([
      ['denied', null],
      ['success', false],
      ['success', true],
    ]);
  });

  it('erases a contact whose conversations are all closed without force', async () => {
    const person = customer();
    const caseId = await caseFor(person);
    const contactId = await contactOf(caseId);
    await api.prisma.conversation.update({
      where: { id: caseId },
      data: { status: 'closed', closedAt: new Date() },
    });
    const erased = await admin.post<ContactErasure>(`/api/v1/contacts/${contactId}/erasure`, {});
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ liveConversations: 0, conversations: 1 });
  });

  it("starts a new contact for a widget visitor returning with an erased contact's token", async () => {
    const channel = await webchatChannel(api);
    const session = async (token?: string) => {
      const response = await fetch(`${api.base}/api/v1/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() },
        body: JSON.stringify({ channelId: channel.id, ...(token && { token }) }),
      });
      expect(response.status).toBe(200);
      const { token: issued } = (await response.json()) as WidgetSessionResponse;
      return { token: issued, contactId: api.app.get(VisitorTokenService).verify(issued)?.contactId };
    };
    const first = await session();
    expect((await session(first.token)).contactId).toBe(first.contactId);
    const erased = await admin.post(`/api/v1/contacts/${first.contactId}/erasure`, {});
    expect(erased.status).toBe(200);
    // An open page's socket reconnecting with the old token is refused, so the widget starts afresh.
    const socket = customerSocket(api, first.token, { 'x-forwarded-for': uniqueIp() });
    const refusal = await new Promise<string>((resolve) =>
      socket.once('connect_error', (err: Error) => resolve(err.message)),
    );
    expect(refusal).toBe('invalid_visitor_token');
    const returning = await session(first.token);
    expect(returning.contactId).toEqual(expect.any(String));
    expect(returning.contactId).not.toBe(first.contactId);
  });

  describe('retention', () => {
    let worker: INestApplicationContext | undefined;
    afterAll(async () => {
      await worker?.close();
    });

    it('purges closed conversations past CONVERSATION_RETENTION_DAYS in audited batches, and their contacts', async () => {
      const closedAgo = async (days: number | null) => {
        const caseId = await caseFor(customer());
        if (days !== null) {
          await api.prisma.conversation.update({
            where: { id: caseId },
            data: { status: 'closed', closedAt: new Date(Date.now() - days * DAY_MS) },
          });
        }
        return { caseId, contactId: await contactOf(caseId) };
      };
      const old = await closedAgo(40);
      const recent = await closedAgo(10);
      const open = await closedAgo(null);

      worker = await createWorker(
        testEnv({ CONVERSATION_RETENTION_DAYS: '30' }),
        capturingLogger('warn').logger,
      );
      const purge = await eventually(
        () =>
          api.prisma.auditEvent.findMany({
            where: { action: 'conversation.purged', actorId: null },
          }),
        (events) => events.some((e) => JSON.stringify(e.data).includes(old.caseId)),
        20_000,
      );
      const event = purge.find((e) => JSON.stringify(e.data).includes(old.caseId));
      expect(event?.data).toMatchObject({ conversations: 1, messages: 3, contacts: 1 });
      expect(await api.prisma.conversation.findUnique({ where: { id: old.caseId } })).toBeNull();
      expect(await api.prisma.message.count({ where: { conversationId: old.caseId } })).toBe(0);
      expect(await api.prisma.contact.findUnique({ where: { id: old.contactId } })).toBeNull();
      for (const kept of [recent, open]) {
        expect(await api.prisma.conversation.findUnique({ where: { id: kept.caseId } })).not.toBeNull();
      }
    });
  });
});
