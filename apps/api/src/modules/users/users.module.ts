import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MfaModule } from '../mfa/mfa.module.js';
import { RolesController } from './roles.controller.js';
import { RolesService } from './roles.service.js';
import { AccessReviewController, UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuthModule, MfaModule],
  providers: [UsersService, RolesService],
  controllers: [UsersController, AccessReviewController, RolesController],
  exports: [UsersService],
})
export class UsersModule {}
