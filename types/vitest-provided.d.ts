// Values the integration global setup (apps/api/test/support/global-setup.ts) hands to every test file.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
    /** The first admin the seed created, with its one-time password. */
    seededAdmin: { email: string; oneTimePassword: string };
  }
}
