import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkpointSet, parsePublicKeys, type CheckpointSet } from './audit-checkpoint.js';

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The public keys to check checkpoint signatures with: the public key file (it may list retired keys
 * too), else the public half of the private key file when this machine has it.
 */
export async function readCheckpointPublicKeys(
  publicKeyFile: string,
  privateKeyFile?: string,
): Promise<KeyObject[]> {
  const pem = await readIfPresent(publicKeyFile);
  if (pem !== null) return parsePublicKeys(pem);
  const privatePem = privateKeyFile ? await readIfPresent(privateKeyFile) : null;
  return privatePem === null ? [] : [createPublicKey(createPrivateKey(privatePem))];
}

/**
 * Reads a file sink's checkpoints and checks their signatures; undefined when the file does not exist
 * (nothing to hold the chain against).
 */
export async function readCheckpointFile(
  file: string,
  keys: readonly KeyObject[],
  database: string,
): Promise<CheckpointSet | undefined> {
  const text = await readIfPresent(file);
  if (text === null) return undefined;
  const set = checkpointSet(text.split('\n'), keys, database);
  if (keys.length === 0 && (set.failure || set.count > 0)) {
    return {
      ...set,
      failure: {
        chainPosition: null,
        createdAt: null,
        reason: 'no checkpoint public key was found to check the checkpoints’ signatures with',
      },
    };
  }
  return set;
}
