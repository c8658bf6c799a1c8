import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointSet, checkSignature, parseCheckpoint, signCheckpoint } from './audit-checkpoint.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const fields = {
  database: 'baton',
  chainPos: '42',
  hash: 'a'.repeat(64),
  createdAt: '2026-12-07T10:00:00.000Z',
};

describe('audit checkpoints', () => {
  it('a signed checkpoint survives a round trip through its JSON line and verifies with the public key only', () => {
    const signed = signCheckpoint(fields, privateKey);
    const parsed = parseCheckpoint(JSON.stringify(signed));
    expect(parsed).toEqual(signed);
    expect(checkSignature(parsed!, [other.publicKey, publicKey])).toBeNull();
  });

  it.each([
    ['chainPos', '43'],
    ['hash', 'b'.repeat(64)],
    ['createdAt', '2026-12-07T10:00:01.000Z'],
    ['database', 'other'],
  ])('changing %s breaks the signature', (field, value) => {
    const forged = { ...signCheckpoint(fields, privateKey), [field]: value };
    expect(checkSignature(forged, [publicKey])).toMatch(/signature is invalid/);
  });

  it('a checkpoint signed by another key is refused, naming the key', () => {
    const foreign = signCheckpoint(fields, other.privateKey);
    expect(checkSignature(foreign, [publicKey])).toContain(`signed by key ${foreign.keyId}`);
  });

  it('the set names the first bad line and keeps the good checkpoints as anchors', () => {
    const good = signCheckpoint(fields, privateKey);
    const later = signCheckpoint({ ...fields, chainPos: '50', hash: 'c'.repeat(64) }, privateKey);
    const set = checkpointSet(
      [
        JSON.stringify(good),
        'not json',
        JSON.stringify({ ...later, database: 'elsewhere' }),
        JSON.stringify(later),
        '',
      ],
      [publicKey],
      'baton',
    );
    expect(set.failure).toEqual({
      chainPosition: null,
      createdAt: null,
      reason: 'line 2 is not a checkpoint',
    });
    expect(set.count).toBe(2);
    expect(set.latest).toEqual(later);
    expect([...set.anchors.keys()]).toEqual([42n, 50n]);
  });
});
