import type { Conversation, Message, SupervisorOverview } from '@baton/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import { percent } from '../../lib/format';
import {
  conversationError,
  fairnessOf,
  fromOverview,
  isOpen,
  mergeMessages,
  mergeOverview,
  shortId,
  ticked,
  utilisation,
  withNames,
  withPresence,
  type OverviewAgent,
  type OverviewQueue,
} from './supervisor-utils';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const queue = (n: number, waiting = 0): OverviewQueue => ({
  id: id(n),
  name: `Queue ${n}`,
  waiting,
  longestWaitSeconds: waiting > 0 ? 30 : null,
  averageWaitSeconds: null,
  slaAtRisk: 0,
  slaBreached: 0,
});

const agent = (displayName: string, overrides: Partial<OverviewAgent> = {}): OverviewAgent => ({
  userId: id(displayName.charCodeAt(0)),
  displayName,
  presence: 'available',
  activeCount: 0,
  capacity: 3,
  conversationIds: [],
  ...overrides,
});

const overview = (at: string, queues: OverviewQueue[], agents: OverviewAgent[]): SupervisorOverview => ({
  at,
  queues,
  agents,
});

describe('supervisor wall', () => {
  describe('numbers from the server', () => {
    it('stamps every queue with the moment the snapshot was computed', () => {
      const state = fromOverview(overview('2026-01-01T12:00:00.000Z', [queue(1), queue(2)], [agent('Ana')]));
      expect(state.queues.map((q) => q.at)).toEqual([Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 1, 12)]);
      expect(state.agents.map((a) => a.displayName)).toEqual(['Ana']);
    });

    it('applies a push in place: rows keep their order, new ones join, agents sorted by name when one joins', () => {
      const start = fromOverview(
        overview('2026-01-01T12:00:00.000Z', [queue(1), queue(2)], [agent('Bea'), agent('Dan')]),
      );
      const pushed = mergeOverview(
        start,
        overview(
          '2026-01-01T12:00:05.000Z',
          [queue(2, 4), queue(3, 1)],
          [agent('Dan', { activeCount: 2 }), agent('Cy')],
        ),
      );
      expect(pushed.queues.map((q) => [q.id, q.waiting, q.at])).toEqual([
        [id(1), 0, Date.UTC(2026, 0, 1, 12)],
        [id(2), 4, Date.UTC(2026, 0, 1, 12, 0, 5)],
        [id(3), 1, Date.UTC(2026, 0, 1, 12, 0, 5)],
      ]);
      expect(pushed.agents.map((a) => [a.displayName, a.activeCount])).toEqual([
        ['Bea', 0],
        ['Cy', 0],
        ['Dan', 2],
      ]);
      // Only numbers changed: nobody moves on the wall, even out of alphabetical order.
      const unsorted = { ...pushed, agents: [...pushed.agents].reverse() };
      const again = mergeOverview(
        unsorted,
        overview('2026-01-01T12:00:06.000Z', [], [agent('Bea', { activeCount: 1 })]),
      );
      expect(again.agents.map((a) => a.displayName)).toEqual(['Dan', 'Cy', 'Bea']);
    });

    it('changes an agent’s presence, and leaves the state untouched when nothing changes', () => {
      const state = fromOverview(overview('2026-01-01T12:00:00.000Z', [], [agent('Ana'), agent('Ben')]));
      const [{ userId: ana }] = state.agents as [OverviewAgent, ...OverviewAgent[]];
      const away = withPresence(state, ana, 'away');
      expect(away.agents.map((a) => a.presence)).toEqual(['away', 'available']);
      expect(withPresence(away, ana, 'away')).toBe(away);
      expect(withPresence(away, id(999), 'offline')).toBe(away);
    });

    it('lets a wait clock run on from the server’s measure, never backwards', () => {
      const at = Date.UTC(2026, 0, 1, 12);
      expect(ticked(30, at, at + 4_500)).toBe(34.5);
      expect(ticked(30, at, at - 2_000)).toBe(30);
      expect(ticked(null, at, at + 4_500)).toBeNull();
    });
  });

  describe('load and fairness', () => {
    it('measures load as a share of capacity (none for an agent without capacity)', () => {
      expect(utilisation({ activeCount: 2, capacity: 4 })).toBe(0.5);
      expect(utilisation({ activeCount: 1, capacity: 0 })).toBe(0);
      expect(percent(2 / 3)).toBe('67%');
    });

    it('scores an even spread 1 and one agent carrying everything 1/n, counting only available agents', () => {
      const even = fairnessOf([
        agent('A', { activeCount: 2, capacity: 4 }),
        agent('B', { activeCount: 1, capacity: 2 }),
        agent('C', { presence: 'away', activeCount: 0 }),
      ]);
      expect(even).toEqual({ index: 1, spread: 0, agents: 2 });
      const lopsided = fairnessOf([
        agent('A', { activeCount: 3, capacity: 3 }),
        agent('B', { activeCount: 0 }),
        agent('C', { activeCount: 0 }),
        agent('D', { activeCount: 0 }),
      ]);
      expect(lopsided).toEqual({ index: 0.25, spread: 1, agents: 4 });
    });

    it('calls an idle team perfectly even, and has no score without available agents', () => {
      expect(fairnessOf([agent('A'), agent('B')])).toEqual({ index: 1, spread: 0, agents: 2 });
      expect(fairnessOf([agent('A', { presence: 'offline' })])).toEqual({
        index: null,
        spread: null,
        agents: 0,
      });
    });

    it('keeps the index between 1/n and 1 and the spread between 0 and 1, whatever the loads', () => {
      const team = fc.array(
        fc
          .integer({ min: 1, max: 10 })
          .chain((capacity) =>
            fc.integer({ min: 0, max: capacity }).map((activeCount) => agent('X', { capacity, activeCount })),
          ),
        { minLength: 1, maxLength: 20 },
      );
      fc.assert(
        fc.property(team, (agents) => {
          const { index, spread } = fairnessOf(agents);
          expect(index).toBeGreaterThanOrEqual(1 / agents.length - 1e-9);
          expect(index).toBeLessThanOrEqual(1 + 1e-9);
          expect(spread).toBeGreaterThanOrEqual(0);
          expect(spread).toBeLessThanOrEqual(1);
        }),
      );
    });
  });

  describe('conversations', () => {
    const conversation = (status: Conversation['status']) => ({ status }) as Conversation;
    const message = (seq: number, body = `line ${seq}`) => ({ seq, body }) as Message;

    it('follows only waiting and assigned conversations', () => {
      expect(
        (['bot', 'queued', 'assigned', 'resolved', 'closed'] as const).filter((s) => isOpen(conversation(s))),
      ).toEqual(['queued', 'assigned']);
    });

    it('shows every message once, in seq order, the newest copy winning', () => {
      expect(mergeMessages([message(1), message(3)], [message(2), message(3, 'edited')])).toEqual([
        message(1),
        message(2),
        message(3, 'edited'),
      ]);
      const current = [message(1)];
      expect(mergeMessages(current, [])).toBe(current);
      // Batch after batch, as pushes and fetches arrive.
      fc.assert(
        fc.property(fc.array(fc.nat(50)), fc.array(fc.nat(50)), (a, b) => {
          const shown = mergeMessages(
            [],
            a.map((s) => message(s)),
          );
          const merged = mergeMessages(
            shown,
            b.map((s) => message(s)),
          );
          expect(merged.map((m) => m.seq)).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
        }),
      );
    });

    it('names people in server-written reasons, and falls back to a short id for strangers', () => {
      const ana = id(1);
      const stranger = 'abcdef12-0000-4000-8000-000000000002';
      const names = new Map([[ana, 'Ana Lima']]);
      expect(withNames(`transferred by ${ana} to ${stranger}`, (x) => names.get(x))).toBe(
        'transferred by Ana Lima to #abcdef',
      );
      expect(shortId(stranger)).toBe('#abcdef');
    });

    it('explains a conversation that cannot be opened here, and passes other failures on', () => {
      const hidden = conversationError(new ApiError(404, 'not_found', 'Not found'));
      expect(hidden).toBeInstanceOf(Error);
      expect((hidden as Error).message).toMatch(/cannot be opened here/);
      const refused = new ApiError(403, 'forbidden', 'Forbidden');
      expect(conversationError(refused)).toBe(refused);
    });
  });
});
