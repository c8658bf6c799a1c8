import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits two folders below the repository root both as source (apps/api/src) and
// compiled (dist/apps/api), so the root is found the same way in tests, dev and production.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEFAULT_MIGRATIONS_DIR = resolve(REPO_ROOT, 'prisma', 'migrations');
export const DEFAULT_WEB_DIST_DIR = resolve(REPO_ROOT, 'dist', 'apps', 'web');
export const DEFAULT_WIDGET_DIST_DIR = resolve(REPO_ROOT, 'dist', 'apps', 'widget');
/** Where, outside tests, the secrets not set in the environment are kept (SECRETS_FILE overrides). */
export const DEFAULT_SECRETS_FILE = resolve(REPO_ROOT, '.data', 'secrets.env');
