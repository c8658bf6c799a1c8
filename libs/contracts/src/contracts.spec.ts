import { describe, expect, it } from 'vitest';
import { ZErrorBody, ZReadiness } from './index.js';

describe('contracts', () => {
  it('accept a well-formed readiness report and reject an unknown dependency', () => {
    const ok = {
      status: 'ready',
      checks: [{ name: 'postgres', status: 'up', latencyMs: 1.2 }],
      workers: { status: 'up', alive: 1, lastSeenAt: '2026-12-01T10:00:00.000Z' },
    };
    expect(ZReadiness.parse(ok)).toEqual(ok);
    expect(
      ZReadiness.safeParse({ ...ok, checks: [{ name: 'mysql', status: 'up', latencyMs: 1 }] }).success,
    ).toBe(false);
  });

  it('require a request id on every error', () => {
    expect(ZErrorBody.safeParse({ error: { code: 'x', message: 'y' } }).success).toBe(false);
  });
});
