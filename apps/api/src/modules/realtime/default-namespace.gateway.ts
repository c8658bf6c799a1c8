import { HandshakeRefusalCode } from '@baton/contracts';
import { Inject } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { runWithRequestContext } from '../../common/http/request-context.js';
import { LOGGER } from '../../logging/logging.module.js';
import { AuditService } from '../audit/audit.service.js';
import { socketClientIp, socketRequestContext } from './socket-context.js';

/**
 * socket.io's main namespace `/` serves nothing (staff use `/agent`, visitors `/customer`), yet
 * accepts anyone by default: an unauthenticated socket held open for free. Every handshake there is
 * refused and audited like the other namespaces' refusals; the client sees `namespace_not_served`.
 */
@WebSocketGateway()
export class DefaultNamespaceGateway implements OnGatewayInit {
  constructor(
    private readonly audit: AuditService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: Server): void {
    server.of('/').use((socket, next) => {
      const refusal = new Error(HandshakeRefusalCode.NamespaceNotServed);
      runWithRequestContext(socketRequestContext(socket, socketClientIp(socket, this.adapterHost)), () =>
        this.audit.recordNow({
          action: 'access.denied',
          result: 'denied',
          target: { type: 'socket', id: '/ connect' },
          data: { status: 404, reason: HandshakeRefusalCode.NamespaceNotServed },
        }),
      ).then(
        () => next(refusal),
        (err: unknown) => {
          this.logger.error({ err }, 'could not audit a refused handshake on /');
          next(refusal);
        },
      );
    });
  }
}
