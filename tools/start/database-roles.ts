import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { provisionRoles } from '../db/roles.js';
import { ServiceError } from './local-services.js';

/** The roles `npm start` creates on a PostgreSQL it administers (the local one, or its private one). */
export const OWNER_ROLE = 'baton_owner';
export const RUNTIME_ROLE = 'baton_app';

export interface DatabaseRoleUrls {
  /** The owner role: migrations. */
  ownerUrl: string;
  /** The runtime role: the api, the worker and the seed. */
  runtimeUrl: string;
}

/** The roles' passwords, generated once per checkout and kept beside the private services' data. */
function storedPasswords(dataRoot: string): { owner: string; runtime: string } {
  const file = join(dataRoot, 'database-roles.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { owner?: unknown; runtime?: unknown };
    if (typeof stored.owner === 'string' && typeof stored.runtime === 'string') {
      return { owner: stored.owner, runtime: stored.runtime };
    }
  }
  const passwords = { owner: randomBytes(24).toString('hex'), runtime: randomBytes(24).toString('hex') };
  mkdirSync(dataRoot, { recursive: true });
  writeFileSync(file, `${JSON.stringify(passwords)}\n`, { mode: 0o600 });
  return passwords;
}

/**
 * The owner and runtime URLs for `npm start`. Given both DATABASE_OWNER_URL and DATABASE_URL, they are
 * used as they are (roles managed by the operator, see `npm run db:roles`). Given neither, `serverUrl` is
 * a superuser connection to the local or private PostgreSQL: the roles are created there (passwords
 * generated into `.data/`, never printed) and the database handed to the owner role.
 */
export async function databaseRoleUrls(options: {
  serverUrl: string;
  dataRoot: string;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}): Promise<DatabaseRoleUrls> {
  const { env } = options;
  if (env.DATABASE_OWNER_URL || env.DATABASE_URL) {
    if (!env.DATABASE_OWNER_URL || !env.DATABASE_URL) {
      throw new ServiceError(
        `${env.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_OWNER_URL'} is set without ` +
          `${env.DATABASE_URL ? 'DATABASE_OWNER_URL' : 'DATABASE_URL'}: set both (the owner role migrates, the ` +
          'runtime role runs the app; docs/SECURITY.md#database-roles), or neither to let npm start ' +
          'create the roles on the local PostgreSQL.',
      );
    }
    return { ownerUrl: env.DATABASE_OWNER_URL, runtimeUrl: env.DATABASE_URL };
  }
  const passwords = storedPasswords(options.dataRoot);
  const as = (user: string, password: string) =>
    Object.assign(new URL(options.serverUrl), { username: user, password }).toString();
  const urls = {
    ownerUrl: as(OWNER_ROLE, passwords.owner),
    runtimeUrl: as(RUNTIME_ROLE, passwords.runtime),
  };
  await provisionRoles({
    adminUrl: options.serverUrl,
    ...urls,
    log: (line) => options.say(line.charAt(0).toLowerCase() + line.slice(1).replace(/\.$/, '')),
  });
  return urls;
}
