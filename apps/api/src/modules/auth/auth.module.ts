import { Module } from '@nestjs/common';
import { appSecrets } from '../../common/crypto/app-secret.js';
import { ConfigService } from '../../config/config.service.js';
import { SettingsModule } from '../settings/settings.module.js';
import { AttemptLimitsService } from './attempt-limits.service.js';
import { AuthService } from './auth.service.js';
import { DeviceCookies } from './device-cookies.js';
import { SessionCookies } from './session-cookies.js';
import { SessionService } from './session.service.js';

/** Sessions, credentials and limits: what any process that touches accounts needs. */
@Module({
  imports: [SettingsModule],
  providers: [
    SessionService,
    AttemptLimitsService,
    AuthService,
    {
      provide: SessionCookies,
      useFactory: (config: ConfigService) =>
        new SessionCookies(config.env.PUBLIC_URL?.startsWith('https://') ?? false),
      inject: [ConfigService],
    },
    {
      provide: DeviceCookies,
      useFactory: (config: ConfigService) =>
        new DeviceCookies(appSecrets(config.env), config.env.PUBLIC_URL?.startsWith('https://') ?? false),
      inject: [ConfigService],
    },
  ],
  exports: [SessionService, AttemptLimitsService, AuthService, SessionCookies, DeviceCookies, SettingsModule],
})
export class AuthModule {}
