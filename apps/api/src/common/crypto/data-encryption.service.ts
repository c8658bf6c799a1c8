import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ConfigService } from '../../config/config.service.js';

export interface Sealed {
  /** base64 of `iv (12) ‖ tag (16) ‖ ciphertext`. */
  ciphertext: string;
  /** Which configured key encrypted it, so keys can be rotated without re-encrypting at once. */
  keyId: string;
}

/**
 * AES-256-GCM for data at rest (TOTP secrets, channel secrets, contact PII). The first key of
 * `DATA_ENCRYPTION_KEYS` encrypts; every listed key decrypts. `context` is bound as additional
 * authenticated data, so a ciphertext copied onto another row fails to decrypt.
 */
@Injectable()
export class DataEncryptionService {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };
  private readonly blindIndexKey: string;

  constructor(config: ConfigService) {
    this.blindIndexKey = config.env.BLIND_INDEX_KEY;
    const configured = config.env.DATA_ENCRYPTION_KEYS;
    this.keys = new Map(configured.map((k) => [k.id, k.key]));
    this.current = configured[0]!;
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
