import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthModule } from './auth.module.js';
import { LocalStrategy } from './local.strategy.js';
import { RouteAccessRegistry } from './route-access.registry.js';

/**
 * The API process only: sign-in over HTTP (passport registers its strategy process-wide), the
 * deny-by-default guard for every route and socket event, and the start-up check of access rules.
 */
@Module({
  imports: [AuthModule, ApiKeysModule, PassportModule, DiscoveryModule],
  providers: [LocalStrategy, RouteAccessRegistry, { provide: APP_GUARD, useClass: AccessGuard }],
  controllers: [AuthController],
  exports: [RouteAccessRegistry],
})
export class AuthHttpModule {}
