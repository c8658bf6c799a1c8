import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { DefaultEventsMap, Socket } from 'socket.io';
import type { AuthSession } from './current-session.decorator.js';

export interface AgentSocketData {
  sessionId: string;
  userId: string;
  /** Re-resolved by the access guard for every event, so a revoked session cannot act. */
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
