import { describe, expect, it } from 'vitest';
import { rankCandidates } from './routing.engine.js';

const member = (user_id: string, active_count: number, presence = 'available') => ({
  user_id,
  skills: [],
  presence,
  capacity: 3,
  active_count,
  last_assigned_at: null,
});

describe('rankCandidates', () => {
  it('passes over whoever transferred the conversation away, however idle, and says why', () => {
    const ranked = rankCandidates(
      [member('ana', 0), member('bruno', 2)],
      [],
      'least_busy',
      new Set(),
      new Set(['ana']),
    );
    expect(ranked).toEqual([
      { userId: 'bruno', eligible: true, reason: 'least busy: 2/3', activeCount: 2, capacity: 3 },
      {
        userId: 'ana',
        eligible: false,
        reason: 'transferred this conversation away',
        activeCount: 0,
        capacity: 3,
      },
    ]);
  });

  it('leaves nobody eligible when the one who let go is the only one available', () => {
    const ranked = rankCandidates(
      [member('ana', 0), member('bruno', 0, 'away')],
      [],
      'round_robin',
      new Set(),
      new Set(['ana']),
    );
    expect(ranked.filter((c) => c.eligible)).toEqual([]);
    expect(ranked.map((c) => c.reason)).toEqual([
      'transferred this conversation away',
      'not available (away)',
    ]);
  });
});
