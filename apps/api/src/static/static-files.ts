import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ROUTES_OUTSIDE_API_PREFIX } from '../common/http/api-prefix.js';

// Paths the SPA fallback must leave to the API: `/api`, socket.io, and Nest pages outside `/api`.
const API_PREFIX = new RegExp(`^/(api|socket\\.io|${ROUTES_OUTSIDE_API_PREFIX.join('|')})(/|$)`);

/**
 * Serves the built SPA at `/` (with client-side routes falling back to index.html) and the
 * widget bundle at `/widget`. Hashed assets are cached for a year; index.html never is.
 */
export function serveStaticApps(app: Express, dirs: { web: string; widget: string }, logger: Logger): void {
  const webIndex = join(dirs.web, 'index.html');
  if (existsSync(dirs.widget)) {
    app.use('/widget', express.static(dirs.widget, { index: false, fallthrough: false, maxAge: '1h' }));
  }
  if (!existsSync(webIndex)) {
    logger.warn({ dir: dirs.web }, 'SPA is not built; run `npm run build` to serve it');
    return;
  }
  app.use(
    express.static(dirs.web, {
      index: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'Cache-Control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (API_PREFIX.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    // Relative to `root`: with an absolute path `send` refuses any dot segment in it, so a checkout
    // under `~/.cache/…` would answer 404.
    res.sendFile('index.html', { root: dirs.web });
  });
}
