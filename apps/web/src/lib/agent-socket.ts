import {
  AgentServerEvent,
  HandshakeRefusalCode,
  type SessionEnded,
  type SocketError,
} from '@baton/contracts';
import { io, type Socket } from 'socket.io-client';
import { onSignedOut, sessionEnded } from './session-events';

/**
 * The one `/agent` socket of this tab. socket.io reconnects on its own; screens listen for
 * `connect` to back-fill what they missed while it was down.
 */
let socket: Socket | null = null;

export function agentSocket(): Socket {
  if (!socket) {
    socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    // The server ended the session on purpose and says why just before it closes the socket.
    const current = socket;
    let ended = false;
    socket.on(AgentServerEvent.SessionEnded, ({ message }: SessionEnded) => {
      ended = true;
      sessionEnded(message);
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

/** Emits and waits for the acknowledgement; a refusal or a timeout rejects with a readable message. */
export async function ask<T>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  let ack: T | SocketError;
  try {
    ack = (await agentSocket().timeout(timeoutMs).emitWithAck(event, payload)) as T | SocketError;
  } catch {
    throw new SocketRequestError(
      'timeout',
      'No answer from the server; it will be retried when the connection is back.',
    );
  }
  if (ack && typeof ack === 'object' && 'error' in ack) {
    const { error } = ack as SocketError;
    throw new SocketRequestError(error.code, error.message);
  }
  return ack as T;
}
