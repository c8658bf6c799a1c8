import { Global, Module } from '@nestjs/common';
import { DataEncryptionService } from './crypto/data-encryption.service.js';
import { RateLimiterService } from './rate-limit/rate-limiter.service.js';

/** Encryption at rest and shared rate limits, for every module of both processes. */
@Global()
@Module({
  providers: [DataEncryptionService, RateLimiterService],
  exports: [DataEncryptionService, RateLimiterService],
})
export class SecurityModule {}
