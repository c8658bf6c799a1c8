import type { Request, Response } from 'express';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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
    private readonly secret: string,
    private readonly secure: boolean,
  ) {
    this.name = secure ? '__Host-baton_device' : 'baton_device';
  }

  private mac(userId: string, deviceId: string): Buffer {
    return createHmac('sha256', this.secret).update(`device:${userId}:${deviceId}`).digest();
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
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(userId, deviceId);
    return given.length === expected.length && timingSafeEqual(given, expected) ? deviceId : null;
  }
}
