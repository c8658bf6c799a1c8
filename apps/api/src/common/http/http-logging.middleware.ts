import type { NextFunction, Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { clientIp, type TrustProxyFn } from './client-ip.js';
import { requestIdFrom, runWithRequestContext } from './request-context.js';

/**
 * Gives every request an id (echoed as `X-Request-Id`), runs the rest of the request inside that
 * context, and writes one structured log line per response.
 */
export function httpLoggingMiddleware(logger: Logger) {
  const log = pinoHttp({
    logger,
    genReqId: (req) => (req as Request & { requestId: string }).requestId,
    // 503 is said on purpose (busy, or not ready yet): a warning, not an error.
    customLogLevel: (_req, res, err) =>
      res.statusCode === 503 || (res.statusCode >= 400 && res.statusCode < 500)
        ? 'warn'
        : err || res.statusCode >= 500
          ? 'error'
          : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        // The path only: a query string can carry personal data (a contact looked up by email).
        url: req.url.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/api/health/live' },
  });

  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    (req as Request & { requestId: string }).requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const userAgent = req.headers['user-agent'];
    const ip = clientIp(req.socket.remoteAddress, req.headers, req.app.get('trust proxy fn') as TrustProxyFn);
    runWithRequestContext({ requestId, ip, ...(userAgent ? { userAgent } : {}) }, () => log(req, res, next));
  };
}
