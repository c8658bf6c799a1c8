import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankCandidates } from './routing.engine.js';

type Member = Parameters<typeof rankCandidates>[0][number];

const member = (user_id: string, active_count: number, presence = 'available'): Member => ({
  user_id,
  skills: [],
  presence,
  capacity: 3,
  active_count,
  last_assigned_at: null,
});

/** Minutes ago, as a last assignment time. */
const minutesAgo = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, 0) - minutes * 60_000);

const ids = (ranked: { userId: string }[]) => ranked.map((c) => c.userId);
const eligibleIds = (ranked: { userId: string; eligible: boolean }[]) =>
  ids(ranked.filter((c) => c.eligible));

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

  describe('who may take it', () => {
    it('says why each ineligible member is passed over, first reason first', () => {
      const ranked = rankCandidates(
        [
          { ...member('away', 0, 'away'), skills: ['es'] },
          { ...member('never', 0), presence: null },
          { ...member('full', 3), skills: ['es'] },
          member('no-spanish', 0),
          { ...member('passed', 0), skills: ['es'] },
          // Away and at capacity and unskilled: presence is what the supervisor needs to hear.
          { ...member('all-wrong', 3, 'offline') },
        ],
        ['es'],
        'least_busy',
        new Set(['passed']),
      );
      expect(Object.fromEntries(ranked.map((c) => [c.userId, c.reason]))).toEqual({
        away: 'not available (away)',
        never: 'not available (never signed in)',
        full: 'at capacity (3/3)',
        'no-spanish': 'missing skills: es',
        passed: 'declined or missed an offer of this conversation',
        'all-wrong': 'not available (offline)',
      });
      expect(ranked.every((c) => !c.eligible)).toBe(true);
    });

    it('names every missing skill, and needs all of them', () => {
      const [candidate] = rankCandidates(
        [{ ...member('ana', 0), skills: ['billing'] }],
        ['spanish', 'billing', 'vip'],
        'least_busy',
      );
      expect(candidate).toMatchObject({ eligible: false, reason: 'missing skills: spanish, vip' });
    });

    it('treats a member without a state row as unavailable with no room', () => {
      const [candidate] = rankCandidates(
        [
          {
            user_id: 'new',
            skills: [],
            presence: null,
            capacity: null,
            active_count: null,
            last_assigned_at: null,
          },
        ],
        [],
        'least_busy',
      );
      expect(candidate).toEqual({
        userId: 'new',
        eligible: false,
        reason: 'not available (never signed in)',
        activeCount: 0,
        capacity: 0,
      });
    });
  });

  describe('least busy', () => {
    it('compares load as a share of capacity, not as a count', () => {
      const ranked = rankCandidates(
        [
          { ...member('small', 1), capacity: 2 }, // half full
          { ...member('large', 2), capacity: 8 }, // a quarter full
        ],
        [],
        'least_busy',
      );
      expect(ranked.map((c) => [c.userId, c.reason])).toEqual([
        ['large', 'least busy: 2/8'],
        ['small', 'busier: 1/2'],
      ]);
    });

    it('breaks a tie in load by who has waited longest since their last assignment (never first)', () => {
      const ranked = rankCandidates(
        [
          { ...member('recent', 1), last_assigned_at: minutesAgo(1) },
          { ...member('never', 1), last_assigned_at: null },
          { ...member('earlier', 1), last_assigned_at: minutesAgo(30) },
        ],
        [],
        'least_busy',
      );
      expect(ids(ranked)).toEqual(['never', 'earlier', 'recent']);
    });

    it('keeps the given order for a complete tie', () => {
      const ranked = rankCandidates([member('c', 1), member('a', 1), member('b', 1)], [], 'least_busy');
      expect(ids(ranked)).toEqual(['c', 'a', 'b']);
    });
  });

  describe('round robin', () => {
    it('serves whoever has waited longest since their last assignment, however busy', () => {
      const ranked = rankCandidates(
        [
          { ...member('idle-but-recent', 0), last_assigned_at: minutesAgo(2) },
          { ...member('busy-but-waiting', 2), last_assigned_at: minutesAgo(20) },
        ],
        [],
        'round_robin',
      );
      expect(ranked.map((c) => [c.userId, c.reason])).toEqual([
        ['busy-but-waiting', 'longest since last assignment'],
        ['idle-but-recent', 'assigned more recently'],
      ]);
    });

    it('passes the turn on: after an assignment the same agent goes to the back', () => {
      const team = [member('ana', 0), member('bruno', 0), member('carla', 0)];
      const served: string[] = [];
      for (let turn = 0; turn < 6; turn += 1) {
        const [first] = rankCandidates(team, [], 'round_robin');
        served.push(first!.userId);
        const chosen = team.find((m) => m.user_id === first!.userId)!;
        chosen.last_assigned_at = minutesAgo(-turn); // assigned now, later than every earlier turn
      }
      expect(served).toEqual(['ana', 'bruno', 'carla', 'ana', 'bruno', 'carla']);
    });
  });

  describe('properties', () => {
    const arbMember = fc.record({
      user_id: fc.uuid(),
      skills: fc.subarray(['es', 'en', 'billing', 'vip']),
      presence: fc.constantFrom<string | null>('available', 'available', 'away', 'offline', null),
      capacity: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      active_count: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      last_assigned_at: fc.option(
        fc.integer({ min: 0, max: 10_000 }).map((m) => minutesAgo(m)),
        { nil: null },
      ),
    });
    const arbMembers = fc.uniqueArray(arbMember, { selector: (m) => m.user_id, maxLength: 12 });
    const arbInput = arbMembers.chain((members) =>
      fc.record({
        members: fc.constant(members),
        required: fc.subarray(['es', 'en', 'billing']),
        mode: fc.constantFrom<'least_busy' | 'round_robin'>('least_busy', 'round_robin'),
        passedOn: fc.subarray(members.map((m) => m.user_id)),
        transferredAway: fc.subarray(members.map((m) => m.user_id)),
      }),
    );
    function rank(input: {
      members: Member[];
      required: string[];
      mode: 'least_busy' | 'round_robin';
      passedOn: string[];
      transferredAway: string[];
    }) {
      return rankCandidates(
        input.members,
        input.required,
        input.mode,
        new Set(input.passedOn),
        new Set(input.transferredAway),
      );
    }

    it('judges every member exactly once, eligible ones first', () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const ranked = rank(input);
          expect([...ids(ranked)].sort()).toEqual(input.members.map((m) => m.user_id).sort());
          const firstIneligible = ranked.findIndex((c) => !c.eligible);
          if (firstIneligible >= 0)
            expect(ranked.slice(firstIneligible).every((c) => !c.eligible)).toBe(true);
        }),
      );
    });

    it('finds eligible exactly the available, skilled members with room who did not let it go', () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const expected = input.members
            .filter(
              (m) =>
                m.presence === 'available' &&
                (m.active_count ?? 0) < (m.capacity ?? 0) &&
                input.required.every((s) => m.skills.includes(s)) &&
                !input.passedOn.includes(m.user_id) &&
                !input.transferredAway.includes(m.user_id),
            )
            .map((m) => m.user_id)
            .sort();
          expect([...eligibleIds(rank(input))].sort()).toEqual(expected);
        }),
      );
    });

    /** Members who could all take it: only load and idle time tell them apart. */
    const arbTeam = fc.record({
      members: fc.uniqueArray(
        fc.integer({ min: 1, max: 6 }).chain((capacity) =>
          fc.record({
            user_id: fc.uuid(),
            skills: fc.constant([]),
            presence: fc.constant('available'),
            capacity: fc.constant(capacity),
            active_count: fc.integer({ min: 0, max: capacity - 1 }),
            last_assigned_at: fc.option(
              fc.integer({ min: 0, max: 10 }).map((m) => minutesAgo(m)),
              { nil: null },
            ),
          }),
        ),
        { selector: (m) => m.user_id, minLength: 2, maxLength: 8 },
      ),
      required: fc.constant([]),
      mode: fc.constantFrom<'least_busy' | 'round_robin'>('least_busy', 'round_robin'),
      passedOn: fc.constant([]),
      transferredAway: fc.constant([]),
    });

    it('never puts a busier agent (least busy) or a more recently served one (round robin) ahead', () => {
      fc.assert(
        fc.property(arbTeam, (input) => {
          const byId = new Map(input.members.map((m) => [m.user_id, m]));
          const eligible = rank(input).filter((c) => c.eligible);
          const idle = (id: string) => byId.get(id)!.last_assigned_at?.getTime() ?? 0;
          for (let i = 1; i < eligible.length; i += 1) {
            const [before, after] = [eligible[i - 1]!, eligible[i]!];
            if (input.mode === 'least_busy') {
              const load = (c: typeof before) => c.activeCount / c.capacity;
              expect(load(before)).toBeLessThanOrEqual(load(after));
              if (load(before) === load(after))
                expect(idle(before.userId)).toBeLessThanOrEqual(idle(after.userId));
            } else {
              expect(idle(before.userId)).toBeLessThanOrEqual(idle(after.userId));
            }
          }
        }),
      );
    });

    it('gives the first eligible candidate the winning reason and every other one the runner-up reason', () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const eligible = rank(input).filter((c) => c.eligible);
          const [win, rest] =
            input.mode === 'least_busy'
              ? [/^least busy: \d+\/\d+$/, /^busier: \d+\/\d+$/]
              : [/^longest since last assignment$/, /^assigned more recently$/];
          if (eligible.length > 0) expect(eligible[0]!.reason).toMatch(win);
          for (const c of eligible.slice(1)) expect(c.reason).toMatch(rest);
        }),
      );
    });
  });
});
