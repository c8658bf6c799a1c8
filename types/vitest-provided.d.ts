// Values the integration global setup (apps/api/test/support/global-setup.ts) hands to every test file.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}
