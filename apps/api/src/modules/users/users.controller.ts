import { Permission } from '@baton/authz';
import {
  ZCreateUserRequest,
  ZSetUserRolesRequest,
  ZUpdateUserRequest,
  type AccessReviewEntry,
  type CreateUserRequest,
  type CreatedUser,
  type SetUserRolesRequest,
  type UpdateUserRequest,
  type UserSummary,
} from '@baton/contracts';
import { Controller, Get, HttpCode, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody } from '../../common/http/zod-params.js';
import { CurrentSession } from '../../common/decorators/current-session.decorator.js';
import { SessionCookies } from '../auth/session-cookies.js';
import { SessionService, type AuthSession } from '../auth/session.service.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
  ) {}

  @Get()
  @RequirePermission(Permission.UserRead)
  list(): Promise<UserSummary[]> {
    return this.users.list();
  }

  @Get(':id')
  @RequirePermission(Permission.UserRead)
  get(@UuidParam() id: string): Promise<UserSummary> {
    return this.users.get(id);
  }

  /**
   * Invite: answers a one-time password, shown only here; the user changes it at first sign-in.
   * Granting roles at the same time also needs `role:manage`.
   */
  @Post()
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  create(
    @CurrentSession() session: AuthSession,
    @ZodBody(ZCreateUserRequest) body: CreateUserRequest,
  ): Promise<CreatedUser> {
    return this.users.create(session, body);
  }

  @Patch(':id')
  @RequirePermission(Permission.UserManage)
  update(
    @UuidParam() id: string,
    @ZodBody(ZUpdateUserRequest) body: UpdateUserRequest,
  ): Promise<UserSummary> {
    return this.users.update(id, body.displayName);
  }

  /** Role changes are privilege changes: they need a fresh MFA code and end the user's sessions. */
  @Put(':id/roles')
  @RequirePermission(Permission.UserManage, Permission.RoleManage)
  @RequireStepUp()
  async setRoles(
    @CurrentSession() session: AuthSession,
    @UuidParam() id: string,
    @ZodBody(ZSetUserRolesRequest) body: SetUserRolesRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserSummary> {
    const { user, rotated } = await this.users.setRoles(session, id, body.roles);
    // Changing one's own roles: this tab goes on with the session's new token.
    if (rotated)
      this.cookies.setRotated(res, rotated, this.sessions.csrfTokenFor(rotated.id), () =>
        this.sessions.announceRotation(session.userId, rotated),
      );
    return user;
  }

  /** Ends every session of the user at once, on every instance. */
  @Post(':id/disable')
  @RequirePermission(Permission.UserManage)
  @HttpCode(200)
  disable(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<UserSummary> {
    return this.users.setStatus(session, id, 'disabled');
  }

  /** Restores an account's access, so it is a step-up action (disabling is defensive and is not). */
  @Post(':id/enable')
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @HttpCode(200)
  enable(@CurrentSession() session: AuthSession, @UuidParam() id: string): Promise<UserSummary> {
    return this.users.setStatus(session, id, 'active');
  }

  @Post(':id/mfa/reset')
  @RequirePermission(Permission.UserResetMfa)
  @RequireStepUp()
  @HttpCode(200)
  resetMfa(@UuidParam() id: string): Promise<UserSummary> {
    return this.users.resetMfa(id);
  }

  @Post(':id/sessions/end')
  @RequirePermission(Permission.UserEndSessions)
  @HttpCode(200)
  async endSessions(@UuidParam() id: string): Promise<{ ended: number }> {
    return { ended: await this.users.endSessions(id) };
  }
}

@ApiTags('users')
@Controller('v1/access-review')
export class AccessReviewController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
  ) {}

  /** Every user with roles, permissions, last sign-in, MFA state and dormancy. */
  @Get()
  @RequirePermission(Permission.AccessReviewRead)
  review(): Promise<AccessReviewEntry[]> {
    return this.users.accessReview();
  }
}
