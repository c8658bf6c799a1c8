import { Injectable } from '@nestjs/common';
import type { Env } from './env.schema.js';

/** Typed, already-validated configuration. Built once at boot by {@link ConfigModule}. */
@Injectable()
export class ConfigService {
  constructor(readonly env: Env) {}

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  /** True when the public origin is HTTPS: cookies get `Secure` and responses get HSTS. */
  get isHttps(): boolean {
    return this.env.PUBLIC_URL?.startsWith('https://') ?? false;
  }
}
