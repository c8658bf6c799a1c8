import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { DefaultEventsMap, Socket } from 'socket.io';
import type { AuthSession } from './current-session.decorator.js';

/**
 * A session resolved once and kept by a long-lived holder (an `/agent` socket), with what its
 * timeouts and pending step are decided from at each use (`SessionService.check`).
 */
export interface HeldSession {
  session: AuthSession;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  mustChangePassword: boolean;
  /** Set when the session may have changed or ended: the next use reads it again. */
  stale: boolean;
}

export interface AgentSocketData {
  sessionId: string;
  userId: string;
  /** Resolved at the handshake, re-resolved when its user's access changes (`AgentRoomsService`). */
  held?: HeldSession;
  /** What the access guard decided this event runs as (from `held`, checked for every event). */
  auth?: AuthSession;
}

// Payloads are validated per handler against libs/contracts; the socket type only fixes `data`.
export type AgentSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, AgentSocketData>;

/** The session the access guard resolved for this socket event. */
export const WsSession = createParamDecorator((_: unknown, context: ExecutionContext): AuthSession => {
  const session = context.switchToWs().getClient<AgentSocket>().data.auth;
  if (!session) throw new Error('WsSession used on a handler without a session rule');
  return session;
});
