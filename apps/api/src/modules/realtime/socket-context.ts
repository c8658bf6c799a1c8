import type { HttpAdapterHost } from '@nestjs/core';
import type { Express } from 'express';
import type { Socket } from 'socket.io';
import { clientIp, type TrustProxyFn } from '../../common/http/client-ip.js';
import {
  requestIdFrom,
  runWithRequestContext,
  type RequestContext,
} from '../../common/http/request-context.js';

/** A fresh request context (new request id, the client's address and user agent) for one socket event. */
export function socketRequestContext(socket: Pick<Socket, 'handshake'>, ip: string): RequestContext {
  const userAgent = socket.handshake.headers['user-agent'];
  return {
    requestId: requestIdFrom(undefined),
    ip,
    ...(userAgent ? { userAgent } : {}),
  };
}

/** Runs every event of the socket in its own request context, for logs and the audit trail. */
export function useRequestContextPerEvent(socket: Socket, ip: string): void {
  socket.use((_packet, next) => runWithRequestContext(socketRequestContext(socket, ip), next));
}

/**
 * The client's address for a socket, resolved exactly as for an HTTP request (same `trust proxy`
 * setting, same function): socket.io's `handshake.address` is only the peer, which behind a proxy
 * is the proxy itself.
 */
export function socketClientIp(socket: Pick<Socket, 'handshake'>, adapterHost: HttpAdapterHost): string {
  const trust = adapterHost.httpAdapter?.getInstance<Express>().get('trust proxy fn') as
    TrustProxyFn | undefined;
  return clientIp(socket.handshake.address, socket.handshake.headers, trust);
}
