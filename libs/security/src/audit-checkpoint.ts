import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * A signed statement "the audit chain of `database` had head `hash` at position `chainPos`", made by
 * the worker with a key that is not in the database and shipped to sinks outside PostgreSQL. Whoever
 * can rewrite the database (and re-hash the chain) cannot produce one, so a rewritten chain disagrees
 * with the checkpoints made before the rewrite.
 */
export interface AuditCheckpoint {
  v: 1;
  /** The PostgreSQL database the chain lives in (`current_database()`). */
  database: string;
  /** Head position; positions are contiguous from 1, so this is also the number of sealed events. */
  chainPos: string;
  hash: string;
  createdAt: string;
  keyId: string;
  /** Ed25519 over {@link checkpointPayload}, base64. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<AuditCheckpoint, 'signature' | 'keyId' | 'v'>;

/** The exact bytes signed: a domain-separated JSON array, so no other signed message can pass for one. */
export function checkpointPayload(c: Omit<AuditCheckpoint, 'signature'>): Buffer {
  return Buffer.from(
    JSON.stringify(['baton-audit-checkpoint', c.v, c.database, c.chainPos, c.hash, c.createdAt, c.keyId]),
  );
}

/** First 16 hex digits of SHA-256 over the public key (SPKI DER): names the key in every checkpoint. */
export function checkpointKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signCheckpoint(fields: UnsignedCheckpoint, privateKey: KeyObject): AuditCheckpoint {
  const unsigned = { v: 1 as const, ...fields, keyId: checkpointKeyId(createPublicKey(privateKey)) };
  const signature = sign(null, checkpointPayload(unsigned), privateKey).toString('base64');
  return { ...unsigned, signature };
}

/** The key that signed `c`, if it is one of `keys` and the signature is valid; otherwise why not. */
export function checkSignature(c: AuditCheckpoint, keys: readonly KeyObject[]): string | null {
  const key = keys.find((k) => checkpointKeyId(k) === c.keyId);
  if (!key) return `it is signed by key ${c.keyId}, which is not a checkpoint public key given to verify`;
  let valid = false;
  try {
    valid = verify(null, checkpointPayload(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? null : 'its signature is invalid (the checkpoint was altered or forged)';
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses one line of a checkpoint sink; null when it is not a well-formed checkpoint. */
export function parseCheckpoint(line: string): AuditCheckpoint | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const c = value as Record<string, unknown>;
  const str = (key: string) => typeof c[key] === 'string';
  if (
    c.v !== 1 ||
    !str('database') ||
    !str('chainPos') ||
    !/^[1-9]\d{0,18}$/.test(c.chainPos as string) ||
    !str('hash') ||
    !HEX64.test(c.hash as string) ||
    !str('createdAt') ||
    Number.isNaN(Date.parse(c.createdAt as string)) ||
    !str('keyId') ||
    !str('signature')
  ) {
    return null;
  }
  return {
    v: 1,
    database: c.database as string,
    chainPos: c.chainPos as string,
    hash: c.hash as string,
    createdAt: c.createdAt as string,
    keyId: c.keyId as string,
    signature: c.signature as string,
  };
}

/** Every Ed25519 public key in a PEM text (several keys: the current one and retired ones). */
export function parsePublicKeys(pem: string): KeyObject[] {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  return blocks.map((block) => {
    const key = createPublicKey(block);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('checkpoint public keys must be Ed25519');
    return key;
  });
}

/** The outcome of comparing the chain with its signed checkpoints (see `verifyAuditChain`). */
export interface CheckpointFailure {
  chainPosition: string | null;
  createdAt: string | null;
  reason: string;
}

/**
 * The checkpoints of a sink, read and signature-checked, ready for the chain walk: `anchors` maps a
 * chain position to the hashes signed for it. The first unreadable, foreign or badly signed line is
 * a failure of its own.
 */
export interface CheckpointSet {
  anchors: Map<bigint, { hash: string; createdAt: string }[]>;
  latest: AuditCheckpoint | null;
  count: number;
  keyIds: string[];
  failure: CheckpointFailure | null;
}

export function checkpointSet(
  lines: readonly string[],
  keys: readonly KeyObject[],
  database: string,
): CheckpointSet {
  const anchors: CheckpointSet['anchors'] = new Map();
  const keyIds = new Set<string>();
  let latest: AuditCheckpoint | null = null;
  let count = 0;
  let failure: CheckpointFailure | null = null;
  lines.forEach((text, index) => {
    if (text.trim() === '') return;
    const c = parseCheckpoint(text);
    if (!c) {
      failure ??= { chainPosition: null, createdAt: null, reason: `line ${index + 1} is not a checkpoint` };
      return;
    }
    const problem =
      checkSignature(c, keys) ??
      (c.database === database ? null : `it was made for database "${c.database}", not "${database}"`);
    if (problem) {
      failure ??= {
        chainPosition: c.chainPos,
        createdAt: c.createdAt,
        reason: `checkpoint on line ${index + 1} (position ${c.chainPos}, ${c.createdAt}): ${problem}`,
      };
      return;
    }
    count += 1;
    keyIds.add(c.keyId);
    const pos = BigInt(c.chainPos);
    const list = anchors.get(pos) ?? [];
    list.push({ hash: c.hash, createdAt: c.createdAt });
    anchors.set(pos, list);
    if (!latest || pos > BigInt(latest.chainPos)) latest = c;
  });
  return { anchors, latest, count, keyIds: [...keyIds], failure };
}
