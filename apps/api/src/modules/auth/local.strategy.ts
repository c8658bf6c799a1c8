import { ZLoginRequest } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { ZodValidationPipe } from '../../common/http/zod-validation.pipe.js';
import type { User } from '../../generated/prisma/client.js';
import { AuthService } from './auth.service.js';
import { DeviceCookies } from './device-cookies.js';

const validateLogin = new ZodValidationPipe(ZLoginRequest);

/** Passport's local strategy over our credential check (limits, audit, constant-time answers). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly auth: AuthService,
    private readonly devices: DeviceCookies,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  async validate(req: Request): Promise<User> {
    // Passport only checks presence; the contract also normalises the email and bounds sizes.
    const { email, password } = validateLogin.transform(req.body);
    return this.auth.verifyCredentials(email, password, (userId) => this.devices.deviceFor(req, userId));
  }
}
