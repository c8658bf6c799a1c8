import type { Socket } from 'socket.io';
import {
  requestIdFrom,
  runWithRequestContext,
  type RequestContext,
} from '../../common/http/request-context.js';

/**
 * A fresh request context (new request id, the socket's address and user agent) for one socket event.
 * `ip` defaults to the peer address; pass {@link socketClientAddress} to honour `trust proxy`.
 */
export function socketRequestContext(
  socket: Pick<Socket, 'handshake'>,
  ip: string = socket.handshake.address,
): RequestContext {
  const userAgent = socket.handshake.headers['user-agent'];
  return {
    requestId: requestIdFrom(undefined),
    ip,
    ...(userAgent ? { userAgent } : {}),
  };
}

/** Runs every event of the socket in its own request context, for logs and the audit trail. */
export function useRequestContextPerEvent(socket: Socket, ip?: string): void {
  socket.use((_packet, next) => runWithRequestContext(socketRequestContext(socket, ip), next));
}

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`). */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * The client's address as Express computes `req.ip`: walk `X-Forwarded-For` from the nearest hop
 * while each hop is a trusted proxy. socket.io's `handshake.address` is only the peer, which behind
 * a proxy is the proxy itself, so per-IP limits and audit rows would lump every client together.
 */
export function socketClientAddress(
  socket: Pick<Socket, 'handshake'>,
  trust: TrustProxyFn | undefined,
): string {
  const peer = socket.handshake.address;
  if (!trust) return peer;
  const header = socket.handshake.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
    .reverse();
  const chain = [peer, ...forwarded];
  for (let hop = 0; hop < chain.length - 1; hop += 1) {
    const address = chain[hop] ?? peer;
    if (!trust(address, hop)) return address;
  }
  return chain.at(-1) ?? peer;
}
