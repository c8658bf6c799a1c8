import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ConfigService } from '../../config/config.service.js';
import { SettingsModule } from '../settings/settings.module.js';
import { AccessGuard } from './access.guard.js';
import { AttemptLimitsService } from './attempt-limits.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LocalStrategy } from './local.strategy.js';
import { RouteAccessRegistry } from './route-access.registry.js';
import { SessionCookies } from './session-cookies.js';
import { SessionService } from './session.service.js';

@Module({
  imports: [PassportModule, SettingsModule, DiscoveryModule],
  providers: [
    SessionService,
    AttemptLimitsService,
    AuthService,
    LocalStrategy,
    RouteAccessRegistry,
    {
      provide: SessionCookies,
      useFactory: (config: ConfigService) =>
        new SessionCookies(config.env.PUBLIC_URL?.startsWith('https://') ?? false),
      inject: [ConfigService],
    },
    // Deny by default: every HTTP route of the app passes through this guard.
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  controllers: [AuthController],
  exports: [
    RouteAccessRegistry,
    SessionService,
    AttemptLimitsService,
    AuthService,
    SessionCookies,
    SettingsModule,
  ],
})
export class AuthModule {}
