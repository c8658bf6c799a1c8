import { Module } from '@nestjs/common';
import { SecuritySettingsService } from './security-settings.service.js';
import { SettingsController } from './settings.controller.js';

@Module({
  providers: [SecuritySettingsService],
  controllers: [SettingsController],
  exports: [SecuritySettingsService],
})
export class SettingsModule {}
