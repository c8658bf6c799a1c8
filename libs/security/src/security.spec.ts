import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { GENESIS_HASH, chainHash, verifyAuditChain, type AuditRow } from './audit-chain.js';
import {
  archiveCheckpointLine,
  archiveEventLine,
  archiveHeaderLine,
  verifyArchive,
} from './audit-archive.js';
import { checkpointSet, signCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';
import { generateOneTimePassword, hashPassword, verifyPassword } from './password.hasher.js';
import { passwordProblems } from './password.policy.js';
import type { SqlRunner } from './sql-runner.js';

describe('password policy', () => {
  const email = 'dana.scully@example.com';
  it('accepts a long, uncommon passphrase', () => {
    expect(passwordProblems('violet kettle under the stairs', email)).toEqual([]);
  });
  it.each([
    ['short1!', 'at least 12 characters'],
    ['password1234', 'too common'],
    ['Password2024!', 'too common'],
    ['qwertyuiop12', 'too common'],
    ['dana.scully-rocks-99', 'must not contain your email'],
    ['I am DANA.SCULLY@example.com', 'must not contain your email'],
  ])('rejects %s (%s)', (password, problem) => {
    expect(passwordProblems(password, email).join(' ')).toContain(problem);
  });
  it('counts characters, not bytes', () => {
    expect(passwordProblems('ééééééééééé', email).join(' ')).toContain('at least 12');
  });
});

describe('password hashing', () => {
  it('uses argon2id with a per-hash salt and verifies only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('same input here'), hashPassword('same input here')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same input here', a)).toBe(true);
    expect(await verifyPassword('same input herE', a)).toBe(false);
    expect(await verifyPassword('anything', 'not a hash')).toBe(false);
  });
  it('generates one-time passwords that pass the policy', () => {
    const generated = Array.from({ length: 50 }, () => generateOneTimePassword());
    expect(new Set(generated).size).toBe(50);
    for (const password of generated) expect(passwordProblems(password, 'x@example.com')).toEqual([]);
  });
});

function row(seq: number, data: unknown = { n: seq }): AuditRow {
  return {
    seq: String(seq),
    chain_pos: null,
    occurred_at: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)),
    actor_id: null,
    actor_email: 'a@example.com',
    actor_roles: ['admin'],
    action: 'user.updated',
    target_type: 'user',
    target_id: 'u1',
    result: 'success',
    ip: '10.0.0.1',
    user_agent: 'ua',
    request_id: 'r',
    data,
    prev_hash: null,
    hash: null,
  };
}

function sealed(rows: AuditRow[]): AuditRow[] {
  let prev = GENESIS_HASH;
  return rows.map((r, i) => {
    const pos = BigInt(i + 1);
    const hash = chainHash(prev, r, pos);
    const out = { ...r, chain_pos: String(pos), prev_hash: prev, hash };
    prev = hash;
    return out;
  });
}

/** Serves the verifier's queries from memory. */
function runner(rows: AuditRow[]): SqlRunner {
  return (async (strings: TemplateStringsArray, ...params: unknown[]) => {
    if (strings.join('?').includes('count(*)')) return [{ count: '0', oldest: null }];
    if (params.length === 0) return rows.filter((r) => r.chain_pos !== null).slice(0, 1);
    const from = BigInt(params[0] as string);
    return rows
      .filter((r) => r.chain_pos !== null && BigInt(r.chain_pos) >= from)
      .slice(0, params[1] as number);
  }) as SqlRunner;
}

describe('audit hash chain', () => {
  it('does not depend on the key order of the data (JSONB reorders keys)', () => {
    expect(chainHash(GENESIS_HASH, row(1, { a: 1, b: { c: 2, d: 3 } }), 1n)).toBe(
      chainHash(GENESIS_HASH, row(1, { b: { d: 3, c: 2 }, a: 1 }), 1n),
    );
  });
  it('hashes an event exactly as chains sealed before did', () => {
    expect(chainHash(GENESIS_HASH, row(1), 1n)).toBe(
      'dab90bd0f6b7db02cc0c036625631dd1c8f8aa93a3064d2d71ba57b25383a865',
    );
  });
  it('changes with every field and with the chain position', () => {
    const base = chainHash(GENESIS_HASH, row(1), 1n);
    expect(chainHash(GENESIS_HASH, { ...row(1), actor_email: 'b@example.com' }, 1n)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...row(1), result: 'denied' }, 1n)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, row(1), 2n)).not.toBe(base);
    expect(chainHash('f'.repeat(64), row(1), 1n)).not.toBe(base);
  });
  it('verifies an intact chain across pages', async () => {
    const rows = sealed(Array.from({ length: 25 }, (_, i) => row(i + 1)));
    const result = await verifyAuditChain(runner(rows), 10);
    expect(result).toMatchObject({ ok: true, checked: 25, firstBroken: null, head: { seq: '25' } });
    // A last page exactly full: the page read ahead is empty.
    expect(await verifyAuditChain(runner(rows.slice(0, 20)), 10)).toMatchObject({ ok: true, checked: 20 });
  });
  it('names the first altered event', async () => {
    const rows = sealed(Array.from({ length: 10 }, (_, i) => row(i + 1)));
    rows[6] = { ...rows[6]!, data: { n: 'changed' } };
    const result = await verifyAuditChain(runner(rows), 4);
    expect(result).toMatchObject({ ok: false, checked: 6, firstBroken: { seq: '7', chainPosition: '7' } });
    expect(result.firstBroken?.reason).toContain('altered');
  });
  it('names the gap a deleted event leaves', async () => {
    const rows = sealed(Array.from({ length: 10 }, (_, i) => row(i + 1)));
    rows.splice(3, 1);
    const result = await verifyAuditChain(runner(rows));
    expect(result.firstBroken).toMatchObject({ seq: '5' });
    expect(result.firstBroken?.reason).toContain('position 4 is missing');
  });
  it('a chain rewritten and re-hashed is consistent on its own, but not with a checkpoint signed before', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const original = sealed(Array.from({ length: 10 }, (_, i) => row(i + 1)));
    const signedAt = (pos: number) =>
      JSON.stringify(
        signCheckpoint(
          {
            database: 'baton',
            chainPos: String(pos),
            hash: original[pos - 1]!.hash!,
            createdAt: `2026-12-0${pos % 9}T00:00:00.000Z`,
          },
          privateKey,
        ),
      );
    const checkpoints = checkpointSet([signedAt(3), signedAt(6), signedAt(10)], [publicKey], 'baton');
    expect(await verifyAuditChain(runner(original), { checkpoints })).toMatchObject({
      ok: true,
      checkpoints: { verified: 3, latest: { chainPosition: '10' }, failure: null },
    });

    const rewritten = sealed(original.map((r, i) => (i === 4 ? { ...r, data: { n: 'changed' } } : r)));
    const result = await verifyAuditChain(runner(rewritten), { checkpoints });
    expect(result).toMatchObject({ ok: false, firstBroken: null, checkpoints: { verified: 1 } });
    expect(result.checkpoints?.failure?.reason).toMatch(
      /^position 6: database hash [0-9a-f]{12}… differs from the signed checkpoint of 2026-12-06/,
    );

    const truncated = await verifyAuditChain(runner(original.slice(0, 8)), { checkpoints });
    expect(truncated).toMatchObject({ ok: false, firstBroken: null });
    expect(truncated.checkpoints?.failure?.reason).toContain(
      'names an event the database no longer has (the chain ends at 8)',
    );
  });
});

describe('audit archives', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const chain = sealed(Array.from({ length: 10 }, (_, i) => row(i + 1)));
  const signedAt = (pos: number): AuditCheckpoint =>
    signCheckpoint(
      {
        database: 'baton',
        chainPos: String(pos),
        hash: chain[pos - 1]?.hash ?? '',
        createdAt: '2026-12-01T00:00:00.000Z',
      },
      privateKey,
    );
  const archive = (from: number, to: number, anchors: number[], rows = chain.slice(from - 1, to)) => [
    archiveHeaderLine({
      kind: 'baton-audit-archive',
      v: 1,
      database: 'baton',
      from: String(from),
      to: String(to),
      events: String(to - from + 1),
      prevHash: from === 1 ? GENESIS_HASH : (chain[from - 2]?.hash ?? ''),
      lastHash: chain[to - 1]?.hash ?? '',
      before: '2026-12-02T00:00:00.000Z',
      createdAt: '2026-12-02T00:00:00.000Z',
    }),
    ...anchors.map((pos) => archiveCheckpointLine(signedAt(pos))),
    ...rows.map((r) => archiveEventLine(r)),
  ];

  it('verifies a segment on its own: re-hashed from its start, signed at both ends', async () => {
    expect(await verifyArchive(archive(1, 6, [6]), [publicKey])).toMatchObject({ ok: true, checked: 6 });
    expect(await verifyArchive(archive(4, 6, [3, 6]), [publicKey])).toMatchObject({ ok: true, checked: 3 });
  });

  it('refuses an altered event, an unsigned end or start, and a gap', async () => {
    const altered = archive(
      1,
      6,
      [6],
      chain.slice(0, 6).map((r, i) => (i === 2 ? { ...r, data: { n: 'x' } } : r)),
    );
    expect((await verifyArchive(altered, [publicKey])).failure).toContain(
      'position 3: content does not match',
    );
    expect((await verifyArchive(archive(1, 6, [5]), [publicKey])).failure).toContain(
      'no signed checkpoint at position 6',
    );
    expect((await verifyArchive(archive(4, 6, [6]), [publicKey])).failure).toContain(
      'no signed checkpoint at position 3',
    );
    const gap = archive(1, 6, [6], [...chain.slice(0, 2), ...chain.slice(3, 6)]);
    expect((await verifyArchive(gap, [publicKey])).failure).toContain('position 3 is missing');
    const { publicKey: otherKey } = generateKeyPairSync('ed25519');
    expect((await verifyArchive(archive(1, 6, [6]), [otherKey])).ok).toBe(false);
  });

  it('lets the database chain begin after an archive only where a signed checkpoint vouches for it', async () => {
    const rest = chain.slice(3);
    const anchored = checkpointSet([JSON.stringify(signedAt(3))], [publicKey], 'baton');
    expect(await verifyAuditChain(runner(rest), { checkpoints: anchored })).toMatchObject({
      ok: true,
      checked: 7,
      archivedThrough: '3',
    });
    const elsewhere = checkpointSet([JSON.stringify(signedAt(2))], [publicKey], 'baton');
    const removed = await verifyAuditChain(runner(rest), { checkpoints: elsewhere });
    expect(removed).toMatchObject({ ok: false, archivedThrough: null, firstBroken: { chainPosition: '4' } });
    expect(removed.firstBroken?.reason).toContain('chain positions 1 to 3 are missing');
    expect((await verifyAuditChain(runner(rest))).ok).toBe(false);
  });
});
