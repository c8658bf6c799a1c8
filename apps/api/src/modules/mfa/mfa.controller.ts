import {
  ZMfaCodeRequest,
  ZRecoveryCodeRequest,
  type MfaActivation,
  type MfaCodeRequest,
  type MfaEnrolment,
  type RecoveryCodeRequest,
  type SessionState,
} from '@baton/contracts';
import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireSession } from '../../common/decorators/access.decorators.js';
import { ZodBody } from '../../common/http/zod-params.js';
import { AuthService } from '../auth/auth.service.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import { DeviceCookies } from '../auth/device-cookies.js';
import { SessionCookies } from '../auth/session-cookies.js';
import { SessionService, type AuthSession, type RotatedSession } from '../auth/session.service.js';
import { MfaService } from './mfa.service.js';

@ApiTags('auth')
@Controller('v1/auth/mfa')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly devices: DeviceCookies,
    private readonly cookies: SessionCookies,
  ) {}

  /** Hands this tab the session's new token (the old one no longer works) and its state. */
  private async rotatedState(
    res: Response,
    session: AuthSession,
    rotated: RotatedSession,
  ): Promise<SessionState> {
    const state = this.auth.state((await this.sessions.resolveById(rotated.id))!);
    this.cookies.setRotated(res, rotated, state.csrfToken, () =>
      this.sessions.announceRotation(session.userId, rotated),
    );
    return state;
  }

  /** A new TOTP secret and its `otpauth://` URI (shown as a QR code). Not active until confirmed. */
  @Post('enrolment')
  @RequireSession('mfa_enrolment')
  @HttpCode(200)
  enrol(@CurrentSession() session: AuthSession): Promise<MfaEnrolment> {
    return this.mfa.enrol(session);
  }

  /** Confirms enrolment with a first code; answers the 10 recovery codes, shown this once only. */
  @Post('activation')
  @RequireSession('mfa_enrolment')
  @HttpCode(200)
  async activate(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZMfaCodeRequest) body: MfaCodeRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MfaActivation & { session: SessionState }> {
    const { activation, rotated } = await this.mfa.activate(session, body.code);
    return { ...activation, session: await this.rotatedState(res, session, rotated) };
  }

  /** Finishes sign-in; on a signed-in session, renews the step-up window for sensitive actions. */
  @Post('verify')
  @RequireSession('mfa_verification')
  @HttpCode(200)
  async verify(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZMfaCodeRequest) body: MfaCodeRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionState> {
    const rotated = await this.mfa.verify(session, body.code);
    // Sign-in complete: this browser is now known to the account (see the brute-force limits).
    this.devices.issue(res, session.userId);
    return this.rotatedState(res, session, rotated);
  }

  /** Signs in with a recovery code instead of an app code; each code works once. */
  @Post('recovery')
  @RequireSession('mfa_verification')
  @HttpCode(200)
  async recover(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZRecoveryCodeRequest) body: RecoveryCodeRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionState & { remainingRecoveryCodes: number }> {
    const { remaining, rotated } = await this.mfa.useRecoveryCode(session, body.code);
    this.devices.issue(res, session.userId);
    return { ...(await this.rotatedState(res, session, rotated)), remainingRecoveryCodes: remaining };
  }
}
