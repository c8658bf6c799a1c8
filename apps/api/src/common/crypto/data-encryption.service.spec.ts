import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env.schema.js';
import { ConfigService } from '../../config/config.service.js';
import { DataEncryptionService } from './data-encryption.service.js';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const service = (keys: string) =>
  new DataEncryptionService(
    new ConfigService(
      loadEnv({
        NODE_ENV: 'test',
        APP_SECRET: 'a'.repeat(32),
        BLIND_INDEX_KEY: 'b'.repeat(32),
        DATA_ENCRYPTION_KEYS: keys,
      }),
    ),
  );

describe('DataEncryptionService', () => {
  it('round-trips, with a fresh IV each time, under the first key', () => {
    const crypto = service(`k2:${key(2)},k1:${key(1)}`);
    const a = crypto.encrypt('JBSWY3DPEHPK3PXP', 'mfa-secret:u1');
    const b = crypto.encrypt('JBSWY3DPEHPK3PXP', 'mfa-secret:u1');
    expect(a.keyId).toBe('k2');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain('JBSWY3DPEHPK3PXP');
    expect(crypto.decrypt(a, 'mfa-secret:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a ciphertext moved to another record or tampered with', () => {
    const crypto = service(`k1:${key(1)}`);
    const sealed = crypto.encrypt('secret', 'mfa-secret:u1');
    expect(() => crypto.decrypt(sealed, 'mfa-secret:u2')).toThrow();
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() =>
      crypto.decrypt({ ...sealed, ciphertext: raw.toString('base64') }, 'mfa-secret:u1'),
    ).toThrow();
  });

  it('still decrypts with a retired key after rotation, and names a missing key', () => {
    const before = service(`k1:${key(1)}`).encrypt('secret', 'c');
    expect(service(`k2:${key(2)},k1:${key(1)}`).decrypt(before, 'c')).toBe('secret');
    expect(() => service(`k2:${key(2)}`).decrypt(before, 'c')).toThrow('"k1" is not configured');
  });
});
