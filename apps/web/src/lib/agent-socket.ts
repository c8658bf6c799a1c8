import { AgentServerEvent, HandshakeRefusalCode, ZSessionEnded, ZSocketError } from '@baton/contracts';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { onSignedOut, sessionEnded } from './session-events';

/**
 * The one `/agent` socket of this tab. socket.io reconnects on its own; screens listen for
 * `connect` to back-fill what they missed while it was down.
 */
let socket: Socket | null = null;

/** The socket's state, as screens show it. */
export type SocketLink = 'connecting' | 'live' | 'reconnecting';
let link: SocketLink = 'connecting';
const linkListeners = new Set<() => void>();

function setLink(next: SocketLink): void {
  link = next;
  for (const listener of linkListeners) listener();
}

export function agentSocket(): Socket {
  if (!socket) {
    socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    link = 'connecting';
    socket.on('connect', () => setLink('live'));
    socket.on('disconnect', () => setLink('reconnecting'));
    // The server ended the session on purpose and says why just before it closes the socket.
    const current = socket;
    let ended = false;
    socket.on(AgentServerEvent.SessionEnded, (payload: unknown) => {
      ended = true;
      // The session is over whatever the notice says; an unreadable one leaves the server to explain.
      const notice = ZSessionEnded.safeParse(payload);
      sessionEnded(notice.success ? notice.data.message : null);
    });
    // Closed by the server without a notice: the session got a new token (MFA confirmed, password or
    // own roles changed), which this tab holds as its cookie now. socket.io does not retry a close the
    // server chose, so reconnect here; a session that really ended is refused at the handshake.
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect' && !ended && socket === current) current.connect();
    });
    // A refused handshake is never retried by socket.io: the tab would sit there looking online.
    socket.on('connect_error', (error: Error) => {
      if (error.message === HandshakeRefusalCode.Unauthenticated) sessionEnded(null);
    });
  }
  return socket;
}

/** For `useSyncExternalStore`: the link of this tab's socket (opened on first use) and its changes. */
export function subscribeSocketLink(listener: () => void): () => void {
  agentSocket();
  linkListeners.add(listener);
  return () => {
    linkListeners.delete(listener);
  };
}

export function socketLink(): SocketLink {
  return link;
}

onSignedOut(() => {
  socket?.disconnect();
  socket = null;
});

export class SocketRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Emits and waits for the acknowledgement, parsed by its contract schema: a refusal, a timeout or an
 * answer of another shape rejects with a readable message.
 */
export async function ask<S extends z.ZodType>(
  event: string,
  payload: unknown,
  schema: S,
  timeoutMs = 10_000,
): Promise<z.output<S>> {
  let ack: unknown;
  try {
    ack = await agentSocket().timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new SocketRequestError(
      'timeout',
      'No answer from the server; it will be retried when the connection is back.',
    );
  }
  return readAck(event, ack, schema);
}

/** An acknowledgement as data: a refusal or an answer of another shape is a `SocketRequestError`. */
export function readAck<S extends z.ZodType>(event: string, ack: unknown, schema: S): z.output<S> {
  const refused = ZSocketError.safeParse(ack);
  if (refused.success) throw new SocketRequestError(refused.data.error.code, refused.data.error.message);
  const result = schema.safeParse(ack);
  if (!result.success)
    throw new SocketRequestError(
      'unexpected_answer',
      `Baton's answer to ${event} was not understood. Reload the page; if this persists, the server and this page are out of step.`,
    );
  return result.data;
}

/**
 * Listens to a server push on the `/agent` socket, parsed by its contract schema; returns the
 * unsubscribe function (an effect's cleanup). A push of another shape is dropped rather than used as
 * data: the next reload or push brings the state back.
 */
export function onAgentEvent<S extends z.ZodType>(
  event: string,
  schema: S,
  handler: (payload: z.output<S>) => void,
): () => void {
  const socket = agentSocket();
  const listener = (payload: unknown) => {
    const result = schema.safeParse(payload);
    if (result.success) handler(result.data);
  };
  socket.on(event, listener);
  return () => {
    socket.off(event, listener);
  };
}
