// The data keys an operator command works with: DATA_ENCRYPTION_KEYS from the environment, else from
// the installation's secrets file, as the api and worker resolve them (never generated here).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataEncryptionKeys, readSecretsFile, type DataKey } from '@baton/security';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export interface ConfiguredSecrets {
  keys: DataKey[];
  blindIndexKey: string;
}

export class KeysError extends Error {
  override name = 'KeysError';
}

export function configuredSecrets(env: NodeJS.ProcessEnv = process.env): ConfiguredSecrets {
  const file = env.SECRETS_FILE ? resolve(env.SECRETS_FILE) : resolve(root, '.data', 'secrets.env');
  const stored = env.DATA_ENCRYPTION_KEYS && env.BLIND_INDEX_KEY ? {} : (readSecretsFile(file) ?? {});
  const raw = env.DATA_ENCRYPTION_KEYS || stored.DATA_ENCRYPTION_KEYS;
  if (!raw) throw new KeysError(`DATA_ENCRYPTION_KEYS is set neither in the environment nor in ${file}.`);
  const keys = parseDataEncryptionKeys(raw);
  if ('problem' in keys) throw new KeysError(`DATA_ENCRYPTION_KEYS: ${keys.problem}.`);
  return { keys, blindIndexKey: env.BLIND_INDEX_KEY || stored.BLIND_INDEX_KEY || '' };
}
