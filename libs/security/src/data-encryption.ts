import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PgQueryable } from './sql-runner.js';

export interface DataKey {
  /** The key's version, stored beside every ciphertext it made. */
  id: string;
  key: Buffer;
}

export interface Sealed {
  /** base64 of `iv (12) ‖ tag (16) ‖ ciphertext`. */
  ciphertext: string;
  /** Which configured key encrypted it, so keys can be rotated without re-encrypting at once. */
  keyId: string;
}

/**
 * `DATA_ENCRYPTION_KEYS`: `id:base64key` pairs, comma separated; the first one encrypts, all of them
 * decrypt. Returns the keys, or the problem with the value (never the value).
 */
export function parseDataEncryptionKeys(raw: string): DataKey[] | { problem: string } {
  const keys: DataKey[] = [];
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32)
      return { problem: 'each entry must be `id:<32 bytes in base64>`' };
    keys.push({ id, key });
  }
  if (keys.length === 0) return { problem: 'at least one key is required' };
  if (new Set(keys.map((k) => k.id)).size !== keys.length) return { problem: 'key ids must be unique' };
  return keys;
}

/**
 * AES-256-GCM for data at rest (TOTP secrets, channel secrets, contact PII). The first key encrypts;
 * every key decrypts. `context` is bound as additional authenticated data, so a ciphertext copied
 * onto another row fails to decrypt.
 */
export class DataCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly current: DataKey;

  constructor(
    keys: readonly DataKey[],
    private readonly blindIndexKey: string,
  ) {
    if (!keys[0]) throw new Error('DataCipher needs at least one key');
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[0];
  }

  /** The id new ciphertexts are made with (the first configured key). */
  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, context: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      keyId: this.current.id,
    };
  }

  decrypt(sealed: Sealed, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`Data encryption key "${sealed.keyId}" is not configured`);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * A keyed hash for exact lookups of encrypted values (a phone number, an email): equal inputs give
   * equal indexes, and without BLIND_INDEX_KEY nobody can test a guess against it.
   */
  blindIndex(value: string, context: string): string {
    return createHmac('sha256', this.blindIndexKey).update(`${context}:${value}`).digest('base64url');
  }
}

// The additional authenticated data each encrypted value is bound to.
export const mfaSecretContext = (userId: string) => `mfa-secret:${userId}`;
export const channelSecretsContext = (channelId: string) => `channel-secrets:${channelId}`;
export const apiKeyWebhookContext = (apiKeyId: string) => `api-key-webhook:${apiKeyId}`;
export type ContactField = 'name' | 'email' | 'phone';
export const contactFieldContext = (field: ContactField, contactId: string) =>
  `contact-${field}:${contactId}`;

/** A table holding values encrypted under `DATA_ENCRYPTION_KEYS`: one key id column covers its ciphertexts. */
export interface EncryptedTable {
  table: string;
  /** What its ciphertexts are, for operators. */
  holds: string;
  /** Ciphertext column → the context of that column on a row (given the row's `id` and `bindingColumn`). */
  columns: Record<string, (binding: string) => string>;
  /** The column the contexts are bound to. */
  bindingColumn: string;
}

/** Every encrypted value Baton stores; `key_id` is the key column of each. */
export const ENCRYPTED_TABLES: readonly EncryptedTable[] = [
  {
    table: 'mfa_factors',
    holds: 'TOTP secrets',
    columns: { secret_ciphertext: mfaSecretContext },
    bindingColumn: 'user_id',
  },
  {
    table: 'channels',
    holds: 'channel secrets',
    columns: { secrets_ciphertext: channelSecretsContext },
    bindingColumn: 'id',
  },
  {
    table: 'api_keys',
    holds: 'webhook signing secrets',
    columns: { webhook_secret_ciphertext: apiKeyWebhookContext },
    bindingColumn: 'id',
  },
  {
    table: 'contacts',
    holds: 'contact names, emails and phone numbers',
    columns: {
      name_ciphertext: (id) => contactFieldContext('name', id),
      email_ciphertext: (id) => contactFieldContext('email', id),
      phone_ciphertext: (id) => contactFieldContext('phone', id),
    },
    bindingColumn: 'id',
  },
];

export interface KeyUsage {
  keyId: string;
  table: string;
  holds: string;
  rows: number;
}

/** Which key ids the stored data references, and how many rows of which table each. */
export async function readKeyUsage(db: PgQueryable): Promise<KeyUsage[]> {
  // Table names come from the constant list above, never from input.
  const text = ENCRYPTED_TABLES.map(
    (t) =>
      `SELECT '${t.table}' AS table_name, key_id, count(*)::int AS rows FROM ${t.table} WHERE key_id IS NOT NULL GROUP BY key_id`,
  ).join(' UNION ALL ');
  const { rows } = await db.query(`${text} ORDER BY 2, 1`, []);
  return (rows as { table_name: string; key_id: string; rows: number }[]).map((row) => ({
    keyId: row.key_id,
    table: row.table_name,
    holds: ENCRYPTED_TABLES.find((t) => t.table === row.table_name)!.holds,
    rows: row.rows,
  }));
}

/** One sentence naming each key id the data needs and `configured` lacks, and where it is used. */
export function describeMissingKeys(
  usage: readonly KeyUsage[],
  configured: readonly string[],
): string | undefined {
  const missing = usage.filter((u) => !configured.includes(u.keyId));
  if (missing.length === 0) return undefined;
  const ids = [...new Set(missing.map((u) => u.keyId))];
  const where = ids.map(
    (id) =>
      `"${id}" (${missing
        .filter((u) => u.keyId === id)
        .map((u) => `${u.rows} row(s) of ${u.table}: ${u.holds}`)
        .join('; ')})`,
  );
  return (
    `stored data is encrypted under data key${ids.length > 1 ? 's' : ''} ${where.join(', ')}, ` +
    `which DATA_ENCRYPTION_KEYS lacks; add ${ids.length > 1 ? 'them' : 'it'} back (docs/OPERATIONS.md#keys).`
  );
}
