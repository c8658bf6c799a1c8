import { describe, expect, it } from 'vitest';
import { DomainError } from '../../common/errors/domain.error.js';
import type { Conversation } from '../../generated/prisma/client.js';
import { ConversationStatus } from '../../generated/prisma/enums.js';
import type { Tx } from '../../prisma/prisma.service.js';
import type { AgentCapacity } from '../agents/agent-capacity.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { canMove, type ConversationMove } from './conversation-moves.js';
import { ConversationTransitions } from './conversation-transitions.service.js';
import type { MessageLog } from './message-log.service.js';

/** Anything the transition touches before refusing would be a write of an illegal move. */
const untouchable = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: (_, key) => {
      throw new Error(`${name}.${String(key)} used by a refused move`);
    },
  });

const transitions = new ConversationTransitions(
  untouchable<AuditService>('audit'),
  untouchable<AgentCapacity>('capacity'),
  untouchable<MessageLog>('messages'),
);
const tx = untouchable<Tx>('tx');
const note = { mode: 'least_busy', reason: 'test', candidates: [] };
const handoff = { queueId: 'q', priority: 0, reason: null, summary: null, intent: null, context: {} };

/** Each public transition and the move it makes. */
const RUN: Record<Exclude<ConversationMove, 'record_sla_breach'>, (c: Conversation) => Promise<unknown>> = {
  hand_off: (c) => transitions.handoff(tx, c, handoff, null),
  assign: (c) => transitions.assign(tx, c, 'agent', note, null),
  offer: (c) => transitions.offer(tx, c, 'agent', note, 30),
  accept_offer: (c) => transitions.acceptOffer(tx, c, 'agent'),
  withdraw_offer: (c) => transitions.withdrawOffer(tx, c, 'declined', null),
  unassign: (c) => transitions.unassign(tx, c, 'test', null),
  transfer_to_queue: (c) => transitions.transferToQueue(tx, c, 'q2', 'actor'),
  transfer_to_agent: (c) => transitions.transferToAgent(tx, c, 'agent', 'actor'),
  resolve: (c) => transitions.resolve(tx, c, 'result_ok', null),
  reopen: (c) => transitions.reopen(tx, c, 'test', null),
  hand_back: (c) => transitions.handBackToBot(tx, c, 'actor'),
  close: (c) => transitions.close(tx, c),
  set_priority: (c) => transitions.setPriority(tx, c, 3, 'actor'),
};

const conversation = (status: ConversationStatus) =>
  ({ id: 'c', status, queueId: 'q', assigneeId: 'agent' }) as Conversation;

describe('ConversationTransitions', () => {
  const illegal = (Object.keys(RUN) as (keyof typeof RUN)[]).flatMap((move) =>
    Object.values(ConversationStatus)
      .filter((status) => !canMove(move, status))
      .map((status) => [move, status] as const),
  );

  it.each(illegal)('refuses %s from %s with a 409 before writing anything', async (move, status) => {
    const refused = await RUN[move](conversation(status)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'conversations.illegal_transition', status: 409 });
  });

  it.each(['bot', 'resolved', 'closed'] as const)(
    'records no SLA breach of a %s conversation, and touches nothing',
    async (status) => {
      await expect(
        transitions.recordSlaBreach(tx, conversation(status), 'resolution', new Date().toISOString()),
      ).resolves.toEqual([]);
    },
  );
});
