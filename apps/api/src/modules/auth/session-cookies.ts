import type { Request, Response } from 'express';
import { readCookie } from '../../common/http/cookies.js';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * Over HTTPS the cookies get the `__Host-` prefix (Secure, Path=/, no Domain: no subdomain can set
 * or read them). Locally over HTTP they cannot, so the plain names are used.
 */
export class SessionCookies {
  readonly session: string;
  readonly csrf: string;

  constructor(private readonly secure: boolean) {
    this.session = secure ? '__Host-baton_session' : 'baton_session';
    this.csrf = secure ? '__Host-baton_csrf' : 'baton_csrf';
  }

  token(req: Pick<Request, 'headers'>): string | undefined {
    return readCookie(req, this.session);
  }

  set(res: Response, token: string, csrfToken: string, maxAgeMs: number): void {
    const common = { secure: this.secure, sameSite: 'strict', path: '/', maxAge: maxAgeMs } as const;
    res.cookie(this.session, token, { ...common, httpOnly: true });
    // Readable by the SPA's script, which echoes it in X-CSRF-Token (double submit).
    res.cookie(this.csrf, csrfToken, { ...common, httpOnly: false });
  }

  /**
   * Hands out a rotated session's new token; `afterSent` runs once the response has gone out (see
   * `SessionService.announceRotation`).
   */
  setRotated(
    res: Response,
    rotated: { token: string; maxAgeMs: number },
    csrfToken: string,
    afterSent: () => Promise<void>,
  ): void {
    this.set(res, rotated.token, csrfToken, rotated.maxAgeMs);
    res.once('finish', () => void afterSent());
  }

  clear(res: Response): void {
    res.clearCookie(this.session, { path: '/', secure: this.secure, sameSite: 'strict', httpOnly: true });
    res.clearCookie(this.csrf, { path: '/', secure: this.secure, sameSite: 'strict' });
  }
}
