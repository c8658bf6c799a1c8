import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';

/** The namespaces whose sockets are counted. */
export const COUNTED_NAMESPACES = ['/agent', '/customer'] as const;

/**
 * Holds this instance's socket.io server (a gateway with no handlers: Nest hands it the server),
 * so the sockets connected here are counted when Prometheus asks, at no cost per event.
 */
@WebSocketGateway()
export class SocketCountsGateway {
  @WebSocketServer() private readonly server: Server | undefined;

  /** Sockets connected to this instance on `namespace` (not those of other instances). */
  connected(namespace: (typeof COUNTED_NAMESPACES)[number]): number {
    return this.server?.of(namespace).sockets.size ?? 0;
  }
}
