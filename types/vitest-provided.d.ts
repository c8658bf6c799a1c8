// Values the integration global setup (apps/api/test/support/global-setup.ts) hands to every test file.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's database as the runtime role (what the api and worker use; owns nothing). */
    databaseUrl: string;
    /** The same database as its owner role (migrations; fixtures that need DDL). */
    databaseOwnerUrl: string;
    /** A superuser on the server's maintenance database (creating and dropping scratch databases). */
    databaseAdminUrl: string;
    redisUrl: string;
    redisPrefix: string;
    /** The first admin the seed created, with its one-time password. */
    seededAdmin: { email: string; oneTimePassword: string };
  }
}
