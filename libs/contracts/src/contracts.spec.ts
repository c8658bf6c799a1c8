import { describe, expect, it } from 'vitest';
import { ZErrorBody, ZReadiness } from './index.js';

describe('contracts', () => {
  it('accept a well-formed readiness report and reject an unknown dependency', () => {
    const ok = { status: 'ready', checks: [{ name: 'postgres', status: 'up', latencyMs: 1.2 }] };
    expect(ZReadiness.parse(ok)).toEqual(ok);
    expect(
      ZReadiness.safeParse({ status: 'ready', checks: [{ name: 'mysql', status: 'up', latencyMs: 1 }] })
        .success,
    ).toBe(false);
  });

  it('require a request id on every error', () => {
    expect(ZErrorBody.safeParse({ error: { code: 'x', message: 'y' } }).success).toBe(false);
  });
});
