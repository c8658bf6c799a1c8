import { checkpointKeyId, parsePublicKeys } from '@baton/security';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes `text` to `path` only if nothing is there yet, atomically (two workers may race on first start). */
async function createExclusive(path: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode, flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(tmp);
  }
}

export interface CheckpointSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** False when the public key file beside it names other keys only (verify would then reject new checkpoints). */
  publicFileMatches: boolean;
}

/**
 * The worker's checkpoint signing key: read from `file`, or generated there (Ed25519, PKCS#8 PEM,
 * mode 0600) on first use. Refused when group or others may read it, like ssh does. Its public key
 * is written to `publicFile` if that does not exist, so a verifier needs nothing secret.
 */
export async function loadCheckpointSigningKey(
  file: string,
  publicFile: string,
): Promise<CheckpointSigningKey> {
  let pem = await readIfPresent(file);
  if (pem === null) {
    const { privateKey } = generateKeyPairSync('ed25519');
    await createExclusive(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    pem = await readFile(file, 'utf8');
  }
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    throw new Error('the audit checkpoint key file must be readable by its owner only (chmod 600)');
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit checkpoint key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  const keyId = checkpointKeyId(publicKey);

  let publicPem = await readIfPresent(publicFile);
  if (publicPem === null) {
    await createExclusive(publicFile, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
    publicPem = await readFile(publicFile, 'utf8');
  }
  const publicFileMatches = parsePublicKeys(publicPem).some((k) => checkpointKeyId(k) === keyId);
  return { privateKey, publicKey, keyId, publicFileMatches };
}
