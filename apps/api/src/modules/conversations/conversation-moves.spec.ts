import { describe, expect, it } from 'vitest';
import { ConversationStatus } from '../../generated/prisma/enums.js';
import {
  CONVERSATION_MOVES,
  canMove,
  refusalOf,
  statusAfter,
  type ConversationMove,
} from './conversation-moves.js';

const STATUSES = Object.values(ConversationStatus);

/** The state machine as the product describes it: move → from → to (`=` keeps the status). */
const ALLOWED: Record<ConversationMove, [from: string[], to: string]> = {
  hand_off: [['bot'], 'queued'],
  assign: [['queued'], 'assigned'],
  offer: [['queued'], '='],
  accept_offer: [['queued'], 'assigned'],
  withdraw_offer: [['queued'], '='],
  unassign: [['assigned'], 'queued'],
  transfer_to_queue: [['assigned', 'queued'], 'queued'],
  transfer_to_agent: [['assigned', 'queued'], 'assigned'],
  resolve: [['assigned'], 'resolved'],
  reopen: [['resolved'], 'queued'],
  hand_back: [['assigned', 'queued'], 'bot'],
  close: [['resolved'], 'closed'],
  set_priority: [['assigned', 'queued'], '='],
  record_sla_breach: [['assigned', 'queued'], '='],
};

const moves = Object.keys(CONVERSATION_MOVES) as ConversationMove[];

describe('conversation moves', () => {
  it('allows exactly the documented moves, from exactly the documented statuses', () => {
    const table = Object.fromEntries(
      moves.map((move) => {
        const { from, to } = CONVERSATION_MOVES[move];
        return [move, [[...from].sort(), to === 'unchanged' ? '=' : to]];
      }),
    );
    expect(table).toEqual(ALLOWED);
  });

  it.each(moves)('%s leaves the documented status from every status it may start from', (move) => {
    const [from, to] = ALLOWED[move];
    for (const status of from as ConversationStatus[]) {
      expect(canMove(move, status)).toBe(true);
      expect(refusalOf(move, status)).toBeNull();
      expect(statusAfter(move, status)).toBe(to === '=' ? status : to);
    }
  });

  it.each(moves)('%s is refused from every other status, saying which move and which status', (move) => {
    const illegal = STATUSES.filter((status) => !ALLOWED[move][0].includes(status));
    expect(illegal.length).toBeGreaterThan(0);
    for (const status of illegal) {
      expect(canMove(move, status)).toBe(false);
      expect(refusalOf(move, status)).toBe(
        `Cannot ${CONVERSATION_MOVES[move].verb} a conversation that is ${status}.`,
      );
    }
  });

  it('lets nothing out of a closed conversation', () => {
    expect(moves.filter((move) => canMove(move, 'closed'))).toEqual([]);
  });

  it('keeps the wording agents and API callers already see', () => {
    expect(refusalOf('resolve', 'queued')).toBe('Cannot resolve a conversation that is queued.');
    expect(refusalOf('hand_back', 'resolved')).toBe(
      'Cannot hand back to the bot a conversation that is resolved.',
    );
    expect(refusalOf('set_priority', 'bot')).toBe('Cannot reprioritise a conversation that is bot.');
    expect(refusalOf('withdraw_offer', 'assigned')).toBe(
      'Cannot withdraw the offer of a conversation that is assigned.',
    );
  });
});
