/**
 * The baseline of the realtime benchmark: a bare socket.io server (the API's socket.io version) with
 * the same namespaces, rooms and acknowledgements as the product, doing nothing but relaying. No
 * database, no Redis, no authentication: what is left is the cost of socket.io itself.
 *
 * - `/agent`: handshake `auth: { userId }`; the socket joins `user:<userId>`.
 * - `/customer`: handshake `auth: { contactId, conversationId, agentId }`; the socket joins
 *   `contact:<contactId>`, and the conversation's two sides are remembered.
 * - `message.send` `{ conversationId, body, clientMessageId }` on either side is acknowledged with
 *   `{ ok: true, message }` and emitted as `message.created` `{ message }` to the other side's room.
 *
 * Run as its own process (`PORT`, 0 for any); it prints `relay listening on <port>` once ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Server, type Socket } from 'socket.io';

interface Sides {
  contactId: string;
  agentId: string;
  lastSeq: number;
}

interface SendBody {
  conversationId?: unknown;
  body?: unknown;
  clientMessageId?: unknown;
}

type Ack = (reply: unknown) => void;

const conversations = new Map<string, Sides>();
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The stored message a real server would acknowledge with, or null for an unknown conversation. */
function store(body: SendBody, authorKind: 'agent' | 'customer') {
  const conversationId = text(body.conversationId);
  const sides = conversations.get(conversationId);
  if (!sides) return null;
  sides.lastSeq += 1;
  const message = {
    id: randomUUID(),
    conversationId,
    seq: sides.lastSeq,
    authorKind,
    kind: authorKind === 'agent' ? 'reply' : 'customer',
    body: text(body.body),
    clientMessageId: text(body.clientMessageId),
    createdAt: new Date().toISOString(),
  };
  return { sides, message };
}

const notFound = { error: { code: 'not_found', message: 'No such conversation.' } };

io.of('/agent').on('connection', (socket: Socket) => {
  void socket.join(`user:${text((socket.handshake.auth as { userId?: unknown }).userId)}`);
  socket.on('message.send', (body: SendBody, ack: Ack) => {
    const stored = store(body, 'agent');
    if (!stored) return ack(notFound);
    io.of('/customer')
      .to(`contact:${stored.sides.contactId}`)
      .emit('message.created', { message: stored.message });
    ack({ ok: true, message: stored.message });
  });
});

io.of('/customer').on('connection', (socket: Socket) => {
  const auth = socket.handshake.auth as Record<string, unknown>;
  const contactId = text(auth.contactId);
  const conversationId = text(auth.conversationId);
  if (conversationId && !conversations.has(conversationId))
    conversations.set(conversationId, { contactId, agentId: text(auth.agentId), lastSeq: 0 });
  void socket.join(`contact:${contactId}`);
  socket.on('message.send', (body: SendBody, ack: Ack) => {
    const stored = store(body, 'customer');
    if (!stored) return ack(notFound);
    io.of('/agent').to(`user:${stored.sides.agentId}`).emit('message.created', { message: stored.message });
    ack({ ok: true, message: stored.message });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`relay listening on ${(http.address() as AddressInfo).port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void io.close();
    process.exit(0);
  });
}
