import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({ providers: [ApiKeysService], controllers: [ApiKeysController], exports: [ApiKeysService] })
export class ApiKeysModule {}
