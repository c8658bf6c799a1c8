import {
  AgentClientEvent,
  AgentServerEvent,
  ZConversationAck,
  ZConversationUpdated,
  type Conversation,
} from '@baton/contracts';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentSocket, ask, onAgentEvent, readAck, SocketRequestError } from './agent-socket';
import { signedOut } from './session-events';

const conversation: Conversation = {
  id: '00000000-0000-4000-8000-000000000001',
  status: 'queued',
  queueId: '00000000-0000-4000-8000-000000000002',
  assigneeId: null,
  priority: 0,
  handoff: { reason: null, summary: null, intent: null, at: null, context: null },
  resolution: null,
  waitingSince: '2026-01-01T10:00:00.000Z',
  firstResponseDueAt: null,
  resolutionDueAt: null,
  lastSeq: 3,
  createdAt: '2026-01-01T09:59:00.000Z',
};

describe('socket acknowledgements', () => {
  it('are parsed by their contract schema', () => {
    const ack = readAck(
      AgentClientEvent.JoinConversation,
      { ok: true, conversation: { ...conversation, secret: 'not in the contract' } },
      ZConversationAck,
    );
    expect(ack).toEqual({ ok: true, conversation });
  });

  it('turn a refusal into an error with its code', () => {
    const refusal = { error: { code: 'common.not_found', message: 'No such conversation.' } };
    expect(() => readAck(AgentClientEvent.JoinConversation, refusal, ZConversationAck)).toThrow(
      expect.objectContaining({ code: 'common.not_found', message: 'No such conversation.' }),
    );
  });

  it('refuse an answer of another shape instead of using it as data', () => {
    const wrong = { ok: true, conversation: { ...conversation, status: 'lost' } };
    expect(() => readAck(AgentClientEvent.JoinConversation, wrong, ZConversationAck)).toThrow(
      SocketRequestError,
    );
    expect(() => readAck(AgentClientEvent.JoinConversation, wrong, ZConversationAck)).toThrow(
      /not understood/,
    );
  });
});

describe('the /agent socket against a socket.io server', () => {
  let http: HttpServer;
  let io: Server;

  beforeAll(async () => {
    http = createServer();
    io = new Server(http);
    io.of('/agent').on('connection', (socket) => {
      socket.on(AgentClientEvent.JoinConversation, (payload: unknown, reply: (ack: unknown) => void) =>
        reply(
          payload && typeof payload === 'object' && 'conversationId' in payload
            ? { ok: true, conversation }
            : { ok: true, conversation: { id: 'not-a-uuid' } },
        ),
      );
      socket.on('push.please', () => {
        // A push the contract does not describe, then a well-formed one.
        socket.emit(AgentServerEvent.ConversationUpdated, {
          conversation: { ...conversation, lastSeq: 'x' },
        });
        socket.emit(AgentServerEvent.ConversationUpdated, { conversation: { ...conversation, lastSeq: 4 } });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    // The SPA opens `/agent` on its own origin.
    vi.stubGlobal('location', new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`));
  });

  afterAll(async () => {
    signedOut();
    vi.unstubAllGlobals();
    await io.close();
  });

  it('asks and gets the acknowledgement parsed, or a readable refusal of its shape', async () => {
    const ack = await ask(
      AgentClientEvent.JoinConversation,
      { conversationId: conversation.id },
      ZConversationAck,
    );
    expect(ack.conversation).toEqual(conversation);
    await expect(ask(AgentClientEvent.JoinConversation, {}, ZConversationAck)).rejects.toMatchObject({
      code: 'unexpected_answer',
    });
  });

  it('hands a listener only the pushes its schema accepts', async () => {
    const received: number[] = [];
    const arrived = new Promise<void>((resolve) => {
      const off = onAgentEvent(AgentServerEvent.ConversationUpdated, ZConversationUpdated, (event) => {
        received.push(event.conversation.lastSeq);
        off();
        resolve();
      });
    });
    agentSocket().emit('push.please');
    await arrived;
    expect(received).toEqual([4]);
  });
});
