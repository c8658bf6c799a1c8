import type { ConversationStatus } from '../../generated/prisma/enums.js';

/** What a move leaves the status at: a new status, or the one it found (`unchanged`). */
export type MoveTarget = ConversationStatus | 'unchanged';

interface MoveRule {
  /** How a refusal names the move: "Cannot <verb> a conversation that is <status>." */
  verb: string;
  from: readonly ConversationStatus[];
  to: MoveTarget;
}

/**
 * The conversation state machine: every move, the statuses it may start from and the status it
 * leaves. `ConversationTransitions` checks each move here before it writes anything.
 */
export const CONVERSATION_MOVES = {
  hand_off: { verb: 'hand off', from: ['bot'], to: 'queued' },
  assign: { verb: 'assign', from: ['queued'], to: 'assigned' },
  /** Capacity is reserved; the conversation waits for the agent's answer, still queued. */
  offer: { verb: 'offer', from: ['queued'], to: 'unchanged' },
  accept_offer: { verb: 'accept', from: ['queued'], to: 'assigned' },
  withdraw_offer: { verb: 'withdraw the offer of', from: ['queued'], to: 'unchanged' },
  unassign: { verb: 'unassign', from: ['assigned'], to: 'queued' },
  transfer_to_queue: { verb: 'transfer', from: ['assigned', 'queued'], to: 'queued' },
  transfer_to_agent: { verb: 'transfer', from: ['assigned', 'queued'], to: 'assigned' },
  resolve: { verb: 'resolve', from: ['assigned'], to: 'resolved' },
  reopen: { verb: 'reopen', from: ['resolved'], to: 'queued' },
  hand_back: { verb: 'hand back to the bot', from: ['queued', 'assigned'], to: 'bot' },
  close: { verb: 'close', from: ['resolved'], to: 'closed' },
  set_priority: { verb: 'reprioritise', from: ['queued', 'assigned'], to: 'unchanged' },
  /** Only a conversation someone still owes an answer can miss a deadline. */
  record_sla_breach: { verb: 'record an SLA breach of', from: ['queued', 'assigned'], to: 'unchanged' },
} as const satisfies Record<string, MoveRule>;

export type ConversationMove = keyof typeof CONVERSATION_MOVES;

export function canMove(move: ConversationMove, from: ConversationStatus): boolean {
  return (CONVERSATION_MOVES[move].from as readonly ConversationStatus[]).includes(from);
}

/** Why the move is refused from this status, or null when it is allowed. */
export function refusalOf(move: ConversationMove, from: ConversationStatus): string | null {
  return canMove(move, from)
    ? null
    : `Cannot ${CONVERSATION_MOVES[move].verb} a conversation that is ${from}.`;
}

/** The status after an allowed move. */
export function statusAfter(move: ConversationMove, from: ConversationStatus): ConversationStatus {
  const to: MoveTarget = CONVERSATION_MOVES[move].to;
  return to === 'unchanged' ? from : to;
}
