import { io, type Socket } from 'socket.io-client';
import type { Client, TestApi } from './api.js';

/** Sockets opened through these helpers; `closeSockets()` in afterEach/afterAll disconnects them. */
const open: Socket[] = [];

/** A staff socket on `/agent` carrying the signed-in client's cookies (none without a client). */
export function agentSocket(
  api: TestApi,
  client?: Client,
  extraHeaders: Record<string, string> = {},
): Socket {
  const socket = io(`${api.base}/agent`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { ...(client && { cookie: client.cookieHeader() }), ...extraHeaders },
  });
  open.push(socket);
  return socket;
}

/** A customer socket on `/customer` with a signed visitor token (headers: a page origin, a client IP). */
export function customerSocket(
  api: TestApi,
  token: string,
  extraHeaders: Record<string, string> = {},
): Socket {
  const socket = io(`${api.base}/customer`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
    extraHeaders,
  });
  open.push(socket);
  return socket;
}

export function closeSockets(): void {
  for (const socket of open.splice(0)) socket.disconnect();
}

export const connected = (socket: Socket): Promise<void> =>
  new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

export const ask = <T>(socket: Socket, event: string, payload: unknown): Promise<T> =>
  socket.timeout(5_000).emitWithAck(event, payload) as Promise<T>;

/** Every payload of `event` from now on, in arrival order. */
export function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Resolves with the first payload of `event` that satisfies `match`. */
export function waitFor<T>(
  socket: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
