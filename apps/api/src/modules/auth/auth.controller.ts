import {
  ZChangePasswordRequest,
  type ChangePasswordRequest,
  type SessionInfo,
  type SessionProbe,
  type SessionState,
} from '@baton/contracts';
import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, RequireSession } from '../../common/decorators/access.decorators.js';
import { ZodBody } from '../../common/http/zod-params.js';
import type { User } from '../../generated/prisma/client.js';
import { AuthService } from './auth.service.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import { DeviceCookies } from './device-cookies.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import { SessionCookies } from './session-cookies.js';
import { sessionEndedEvent } from './session-ended.messages.js';
import { SessionService, type AuthSession } from './session.service.js';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    private readonly devices: DeviceCookies,
  ) {}

  /** Email + password. Answers the session state: what the user must still do (`pending`), if anything. */
  @Post('login')
  @Public()
  @UseGuards(LocalAuthGuard)
  @HttpCode(200)
  async login(
    @Req() req: Request & { user: User },
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionState> {
    const created = await this.auth.startSession(req.user);
    const session = await this.sessions.resolveById(created.id);
    if (!session) throw new Error('a session just created did not resolve');
    const state = this.auth.state(session);
    this.cookies.set(res, created.token, state.csrfToken, created.maxAgeMs);
    // With MFA enrolled, the browser becomes known only once the code is verified.
    if (state.pending !== 'mfa_verification') this.devices.issue(res, req.user.id);
    return state;
  }

  @Post('logout')
  @RequireSession('mfa_verification', 'password_change', 'mfa_enrolment')
  @HttpCode(204)
  async logout(
    @CurrentSession() session: AuthSession,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(session);
    this.cookies.clear(res);
  }

  @Get('me')
  @RequireSession('mfa_verification', 'password_change', 'mfa_enrolment')
  me(@CurrentSession() session: AuthSession): SessionState {
    return this.auth.state(session);
  }

  /**
   * The SPA's first question on load. A visitor who is not signed in gets `session: null` with 200:
   * an anonymous start is not a failure (nor a denial to audit). Every other route still refuses them.
   */
  @Get('session')
  @Public()
  async session(@Req() req: Request): Promise<SessionProbe> {
    const token = this.cookies.token(req);
    const session = token ? await this.sessions.resolve(token) : null;
    if (session) return { session: this.auth.state(session), ended: null };
    const ended = token ? await this.sessions.endedReason(token) : null;
    return { session: null, ended: ended ? sessionEndedEvent(ended) : null };
  }

  /**
   * Also the forced change after a one-time password. Ends every other session of the user; this one
   * goes on under a new token, set here.
   */
  @Post('password')
  @RequireSession('password_change')
  @HttpCode(200)
  async changePassword(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZChangePasswordRequest) body: ChangePasswordRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionState> {
    const rotated = await this.auth.changePassword(session, body.currentPassword, body.newPassword);
    const state = this.auth.state((await this.sessions.resolveById(rotated.id))!);
    this.cookies.setRotated(res, rotated, state.csrfToken, () =>
      this.sessions.announceRotation(session.userId, rotated),
    );
    return state;
  }

  @Get('sessions')
  @RequireSession()
  listSessions(@CurrentSession() session: AuthSession): Promise<SessionInfo[]> {
    return this.sessions.listLive(session.userId, session.id);
  }

  /** "Log out my other sessions". */
  @Post('sessions/end-others')
  @RequireSession()
  @HttpCode(200)
  async endOthers(@CurrentSession() session: AuthSession): Promise<{ ended: number }> {
    return { ended: await this.auth.endOtherSessions(session) };
  }
}
