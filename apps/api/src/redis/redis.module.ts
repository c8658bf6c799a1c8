import { Global, Module } from '@nestjs/common';
import { RedisMutexService } from './redis-mutex.service.js';
import { RedisService } from './redis.service.js';

@Global()
@Module({ providers: [RedisService, RedisMutexService], exports: [RedisService, RedisMutexService] })
export class RedisModule {}
