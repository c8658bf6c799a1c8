import type { Socket } from 'socket.io';
import {
  requestIdFrom,
  runWithRequestContext,
  type RequestContext,
} from '../../common/http/request-context.js';

/** A fresh request context (new request id, the socket's address and user agent) for one socket event. */
export function socketRequestContext(socket: Pick<Socket, 'handshake'>): RequestContext {
  const userAgent = socket.handshake.headers['user-agent'];
  return {
    requestId: requestIdFrom(undefined),
    ip: socket.handshake.address,
    ...(userAgent ? { userAgent } : {}),
  };
}

/** Runs every event of the socket in its own request context, for logs and the audit trail. */
export function useRequestContextPerEvent(socket: Socket): void {
  socket.use((_packet, next) => runWithRequestContext(socketRequestContext(socket), next));
}
