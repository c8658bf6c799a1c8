import type { Request, Response } from 'express';
import { createHmac, randomBytes } from 'node:crypto';
import { matchesAny } from '../../common/crypto/app-secret.js';
import { readCookie } from '../../common/http/cookies.js';

const MAX_AGE_MS = 180 * 24 * 60 * 60_000;

/**
 * The device cookie: proof that this browser completed a sign-in (password, and MFA where required)
 * to one account before. Login attempts that carry it are limited per device and are exempt from the
 * account-wide throttle, so strangers guessing from elsewhere cannot lock the owner out. It holds no
 * secret: an account id, a random device id and an HMAC over both with the app secret.
 */
export class DeviceCookies {
  readonly name: string;

  constructor(
    /** APP_SECRET first, then APP_SECRET_PREVIOUS while set: cookies issued before a rotation still count. */
    private readonly secrets: string[],
    private readonly secure: boolean,
  ) {
    this.name = secure ? '__Host-baton_device' : 'baton_device';
  }

  private mac(userId: string, deviceId: string, secret = this.secrets[0]!): Buffer {
    return createHmac('sha256', secret).update(`device:${userId}:${deviceId}`).digest();
  }

  issue(res: Response, userId: string): void {
    const deviceId = randomBytes(16).toString('base64url');
    const value = `${userId}.${deviceId}.${this.mac(userId, deviceId).toString('base64url')}`;
    res.cookie(this.name, value, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'strict',
      path: '/',
      maxAge: MAX_AGE_MS,
    });
  }

  /** The device id when the request carries a genuine device cookie for this account, else null. */
  deviceFor(req: Pick<Request, 'headers'>, userId: string): string | null {
    const [cookieUser, deviceId, mac, ...rest] = (readCookie(req, this.name) ?? '').split('.');
    if (rest.length > 0 || cookieUser !== userId || !deviceId || !mac) return null;
    const expected = this.secrets.map((secret) => this.mac(userId, deviceId, secret));
    return matchesAny(Buffer.from(mac, 'base64url'), expected) ? deviceId : null;
  }
}
