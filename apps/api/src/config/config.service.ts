import { Injectable } from '@nestjs/common';
import type { Env } from './env.schema.js';

/** Typed, already-validated configuration. Built once at boot by {@link ConfigModule}. */
@Injectable()
export class ConfigService {
  constructor(readonly env: Env) {}
}
