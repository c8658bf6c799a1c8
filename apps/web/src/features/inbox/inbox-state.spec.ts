import type { Conversation, ConversationListItem, HandoffBrief, Message } from '@baton/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  heldConversations,
  inboxReducer,
  initialInbox,
  lastSeq,
  needsBackfill,
  type InboxAction,
  type InboxState,
  type Offer,
  type PendingMessage,
} from './inbox-state';

const ME = '00000000-0000-4000-8000-00000000000a';
const COLLEAGUE = '00000000-0000-4000-8000-00000000000b';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function conversation(n: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: id(n),
    status: 'assigned',
    queueId: id(900),
    assigneeId: ME,
    priority: 0,
    handoff: { reason: null, summary: null, intent: null, at: null, context: null },
    resolution: null,
    waitingSince: '2026-01-01T12:00:00.000Z',
    firstResponseDueAt: null,
    resolutionDueAt: null,
    lastSeq: 0,
    createdAt: '2026-01-01T12:00:00.000Z',
    ...overrides,
  };
}

const listItem = (c: Conversation, channelName = 'Shop chat'): ConversationListItem => ({
  ...c,
  channelName,
  lastMessage: null,
});

function message(conversationId: string, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: id(10_000 + seq),
    conversationId,
    seq,
    authorKind: 'customer',
    kind: 'customer',
    authorUserId: null,
    authorName: null,
    body: `message ${seq}`,
    internal: false,
    clientMessageId: null,
    deliveryStatus: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    ...overrides,
  } as Message;
}

const pending = (clientMessageId: string, conversationId = id(1)): PendingMessage => ({
  clientMessageId,
  conversationId,
  body: 'on its way',
  internal: false,
  failed: null,
});

const offer = (c: Conversation): Offer => ({
  conversation: c,
  handoff: null,
  expiresAt: '2026-01-01T12:01:00.000Z',
});

/** Runs actions one after another from an empty inbox (or `from`). */
const run = (actions: InboxAction[], from: InboxState = initialInbox([])) =>
  actions.reduce(inboxReducer, from);

describe('inbox state', () => {
  describe('the lists', () => {
    it('lists my conversations and those waiting in my queues, never a colleague’s or a closed one', () => {
      const mine = conversation(1);
      const waiting = conversation(2, { status: 'queued', assigneeId: null });
      const theirs = conversation(3, { assigneeId: COLLEAGUE });
      const resolved = conversation(4, { status: 'resolved' });
      const state = run([
        {
          type: 'conversations.loaded',
          conversations: [mine, waiting, theirs, resolved].map((c) => listItem(c)),
          me: ME,
        },
      ]);
      expect(Object.keys(state.conversations).sort()).toEqual([mine.id, waiting.id]);
      expect(state.previews[mine.id]).toEqual({ channelName: 'Shop chat', lastMessage: null });
      expect(state.conversations[mine.id]).not.toHaveProperty('channelName');
    });

    it('adds the next page of waiting conversations to those loaded, and keeps one that arrived live', () => {
      const first = conversation(1, { status: 'queued', assigneeId: null });
      const live = conversation(2, { status: 'queued', assigneeId: null, priority: -5 });
      const next = conversation(3, { status: 'queued', assigneeId: null });
      const loaded = run([
        { type: 'conversations.loaded', conversations: [listItem(first)], me: ME, waitingCursor: 'page-2' },
        { type: 'conversation.changed', conversation: live, me: ME },
      ]);
      expect(loaded.waitingCursor).toBe('page-2');
      const more = inboxReducer(loaded, {
        type: 'conversations.added',
        conversations: [listItem(next), listItem(first)],
        me: ME,
        waitingCursor: null,
      });
      expect(Object.keys(more.conversations).sort()).toEqual([first.id, live.id, next.id]);
      expect(more.previews[next.id]).toEqual({ channelName: 'Shop chat', lastMessage: null });
      expect(more.waitingCursor).toBeNull();
    });

    it('refreshes one row without touching the waiting pages loaded', () => {
      const waiting = conversation(1, { status: 'queued', assigneeId: null });
      const assigned = conversation(2);
      const state = run([
        { type: 'conversations.loaded', conversations: [listItem(waiting)], me: ME, waitingCursor: 'page-2' },
        { type: 'conversations.added', conversations: [listItem(assigned, 'WhatsApp')], me: ME },
      ]);
      expect(Object.keys(state.conversations).sort()).toEqual([waiting.id, assigned.id]);
      expect(state.previews[assigned.id]?.channelName).toBe('WhatsApp');
      expect(state.waitingCursor).toBe('page-2');
    });

    it('keeps the open conversation on screen after a reload drops it from my lists', () => {
      const open = conversation(1);
      const state = run([
        { type: 'conversations.loaded', conversations: [listItem(open)], me: ME },
        { type: 'select', conversationId: open.id },
        { type: 'conversations.loaded', conversations: [], me: ME },
      ]);
      expect(state.conversations[open.id]).toEqual(open);
    });

    it('drops a conversation that moved to a colleague, unless it is the one I have open', () => {
      const a = conversation(1);
      const b = conversation(2);
      const state = run([
        { type: 'conversations.loaded', conversations: [listItem(a), listItem(b)], me: ME },
        { type: 'select', conversationId: b.id },
        { type: 'conversation.changed', conversation: { ...a, assigneeId: COLLEAGUE }, me: ME },
        { type: 'conversation.changed', conversation: { ...b, assigneeId: COLLEAGUE }, me: ME },
      ]);
      expect(state.conversations[a.id]).toBeUndefined();
      expect(state.conversations[b.id]).toMatchObject({ assigneeId: COLLEAGUE });
    });

    it('shows a withdrawn conversation read-only if open, and forgets everything else about it', () => {
      const open = conversation(1);
      const other = conversation(2);
      const withdraw = (c: Conversation): InboxAction => ({
        type: 'conversation.withdrawn',
        conversationId: c.id,
      });
      const state = run([
        { type: 'conversations.loaded', conversations: [listItem(open), listItem(other)], me: ME },
        {
          type: 'messages.added',
          conversationId: other.id,
          messages: [message(other.id, 1)],
          fromServerPush: true,
        },
        { type: 'offer.received', offer: offer(other) },
        { type: 'arrived', conversationId: other.id },
        { type: 'typing', conversationId: other.id, typing: true },
        { type: 'select', conversationId: open.id },
        withdraw(open),
        withdraw(other),
      ]);
      expect(Object.keys(state.conversations)).toEqual([open.id]);
      expect(state.withdrawn).toEqual({ [open.id]: true, [other.id]: true });
      expect(state.unread).toEqual({});
      expect(state.offers).toEqual([]);
      expect(state.arrived).toEqual([]);
      expect(state.typing[other.id]).toBe(false);
    });

    it('takes a withdrawn conversation back when it comes back to me', () => {
      const c = conversation(1);
      const state = run([
        { type: 'conversation.withdrawn', conversationId: c.id },
        { type: 'conversation.changed', conversation: c, me: ME },
      ]);
      expect(state.withdrawn).toEqual({});
      expect(state.conversations[c.id]).toEqual(c);
    });
  });

  describe('messages', () => {
    const c = conversation(1);

    it('keeps each conversation’s messages in seq order, each once, however they arrive', () => {
      const batches = fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }), {
        maxLength: 8,
      });
      fc.assert(
        fc.property(batches, (seqBatches) => {
          const state = run(
            seqBatches.map((seqs) => ({
              type: 'messages.added',
              conversationId: c.id,
              messages: seqs.map((seq) => message(c.id, seq)),
            })),
          );
          const expected = [...new Set(seqBatches.flat())].sort((x, y) => x - y);
          expect((state.messages[c.id] ?? []).map((m) => m.seq)).toEqual(expected);
          // A back-fill starts after the last seq with nothing missing before it, not after the highest.
          const contiguous = expected.findIndex((seq, i) => seq !== i + 1);
          expect(lastSeq(state, c.id)).toBe(contiguous === -1 ? expected.length : contiguous);
          expect(needsBackfill(state, c.id)).toBe(contiguous !== -1);
        }),
      );
    });

    it('fills the hole a lost live event left with a back-fill after the last contiguous seq', () => {
      const live = (seq: number): InboxAction => ({
        type: 'messages.added',
        conversationId: c.id,
        messages: [message(c.id, seq)],
        fromServerPush: true,
      });
      // The event of 3 was lost; 4 arrives.
      const state = run([live(1), live(2), live(4)]);
      expect(needsBackfill(state, c.id)).toBe(true);
      expect(lastSeq(state, c.id)).toBe(2);
      const filled = inboxReducer(state, {
        type: 'messages.backfilled',
        conversationId: c.id,
        afterSeq: 2,
        messages: [message(c.id, 3), message(c.id, 4)],
        limit: 200,
      });
      expect(filled.messages[c.id]?.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(needsBackfill(filled, c.id)).toBe(false);
      expect(lastSeq(filled, c.id)).toBe(4);
      // Its echo after the back-fill is nothing new.
      expect(inboxReducer(filled, live(3)).messages[c.id]).toHaveLength(4);
    });

    it('after the lists reload, re-reads every listed conversation it holds and forgets the others', () => {
      const mine = conversation(1);
      const waiting = conversation(2, { status: 'queued', assigneeId: null });
      const gone = conversation(3);
      const unread = conversation(4);
      const held = run([
        {
          type: 'conversations.loaded',
          conversations: [mine, waiting, gone, unread].map((x) => listItem(x)),
          me: ME,
        },
        ...[mine, waiting, gone].map((x): InboxAction => ({
          type: 'messages.added',
          conversationId: x.id,
          messages: [message(x.id, 1)],
        })),
        { type: 'select', conversationId: waiting.id },
      ]);
      expect(heldConversations(held).sort()).toEqual([mine.id, waiting.id, gone.id]);
      // Reconnected: the lists no longer have `gone` (resolved elsewhere meanwhile).
      const reloaded = inboxReducer(held, {
        type: 'conversations.loaded',
        conversations: [mine, waiting, unread].map((x) => listItem(x)),
        me: ME,
      });
      expect(heldConversations(reloaded).sort()).toEqual([mine.id, waiting.id]);
      expect(reloaded.messages[gone.id]).toBeUndefined();
      expect(lastSeq(reloaded, gone.id)).toBe(0);
      expect(reloaded.messages[mine.id]).toHaveLength(1);
    });

    it('takes a message out of the outbox once the server has stored it', () => {
      const state = run(
        [
          {
            type: 'messages.added',
            conversationId: c.id,
            messages: [message(c.id, 1, { authorKind: 'agent', kind: 'reply', clientMessageId: 'sent-1' })],
          },
        ],
        initialInbox([pending('sent-1'), pending('still-waiting')]),
      );
      expect(state.pending.map((p) => p.clientMessageId)).toEqual(['still-waiting']);
    });

    it('counts the customer’s new pushed lines as unread in conversations I am not reading', () => {
      const other = conversation(2);
      const state = run([
        { type: 'select', conversationId: c.id },
        {
          type: 'messages.added',
          conversationId: other.id,
          messages: [message(other.id, 1), message(other.id, 2, { authorKind: 'bot', kind: 'bot' })],
          fromServerPush: true,
        },
        { type: 'messages.added', conversationId: c.id, messages: [message(c.id, 1)], fromServerPush: true },
        // Fetched, not pushed (a back-fill after reconnecting): the reader has not missed them live.
        { type: 'messages.added', conversationId: other.id, messages: [message(other.id, 3)] },
        // Pushed again (a second tab's echo): nothing new.
        {
          type: 'messages.added',
          conversationId: other.id,
          messages: [message(other.id, 1)],
          fromServerPush: true,
        },
      ]);
      expect(state.unread).toEqual({ [other.id]: 1 });
      expect(run([{ type: 'select', conversationId: other.id }], state).unread).toEqual({});
    });

    it('previews the newest line the customer can see: notes stay out, an older line never replaces it', () => {
      const note = message(c.id, 2, { authorKind: 'agent', kind: 'note', internal: true, body: 'Internal' });
      const long = message(c.id, 3, { body: 'x'.repeat(200) });
      let state = run([
        { type: 'conversations.loaded', conversations: [listItem(c)], me: ME },
        {
          type: 'messages.added',
          conversationId: c.id,
          messages: [message(c.id, 1, { body: 'Hello' }), note],
        },
      ]);
      expect(state.previews[c.id]).toEqual({
        channelName: 'Shop chat',
        lastMessage: { authorKind: 'customer', body: 'Hello', createdAt: message(c.id, 1).createdAt },
      });
      state = run([{ type: 'messages.added', conversationId: c.id, messages: [long] }], state);
      expect(state.previews[c.id]?.lastMessage?.body).toHaveLength(140);
      const before = state.previews;
      state = run([{ type: 'messages.added', conversationId: c.id, messages: [message(c.id, 1)] }], state);
      expect(state.previews).toBe(before);
    });
  });

  describe('offers, arrivals and the outbox', () => {
    it('holds one offer per conversation, and drops it when the offer is gone or the conversation moved on', () => {
      const c = conversation(1, { status: 'queued', assigneeId: null });
      const d = conversation(2, { status: 'queued', assigneeId: null });
      let state = run([
        { type: 'offer.received', offer: offer(c) },
        { type: 'offer.received', offer: { ...offer(c), expiresAt: '2026-01-01T12:05:00.000Z' } },
        { type: 'offer.received', offer: offer(d) },
      ]);
      expect(state.offers.map((o) => [o.conversation.id, o.expiresAt])).toEqual([
        [c.id, '2026-01-01T12:05:00.000Z'],
        [d.id, '2026-01-01T12:01:00.000Z'],
      ]);
      state = run(
        [
          { type: 'offer.gone', conversationId: d.id },
          // Still waiting: the offer stands.
          { type: 'conversation.changed', conversation: c, me: ME },
        ],
        state,
      );
      expect(state.offers.map((o) => o.conversation.id)).toEqual([c.id]);
      state = run(
        [
          {
            type: 'conversation.changed',
            conversation: { ...c, status: 'assigned', assigneeId: COLLEAGUE },
            me: ME,
          },
        ],
        state,
      );
      expect(state.offers).toEqual([]);
    });

    it('announces each arrival once, not the one I am reading, until opened or taken away', () => {
      const c = conversation(1);
      const d = conversation(2);
      const e = conversation(3);
      const state = run([
        { type: 'select', conversationId: e.id },
        { type: 'arrived', conversationId: c.id },
        { type: 'arrived', conversationId: d.id },
        { type: 'arrived', conversationId: c.id },
        { type: 'arrived', conversationId: e.id },
      ]);
      expect(state.arrived).toEqual([c.id, d.id]);
      expect(run([{ type: 'select', conversationId: c.id }], state).arrived).toEqual([d.id]);
      expect(run([{ type: 'arrived.dismiss', conversationId: d.id }], state).arrived).toEqual([c.id]);
      const taken = run(
        [{ type: 'conversation.changed', conversation: { ...d, assigneeId: COLLEAGUE }, me: ME }],
        state,
      );
      expect(taken.arrived).toEqual([c.id]);
    });

    it('marks an unsent message failed with the reason, and clears it for a retry', () => {
      const failed = run(
        [{ type: 'pending.failed', clientMessageId: 'b', error: 'Network down' }],
        initialInbox([pending('a'), pending('b')]),
      );
      expect(failed.pending.map((p) => [p.clientMessageId, p.failed])).toEqual([
        ['a', null],
        ['b', 'Network down'],
      ]);
      const retried = run([{ type: 'pending.retry', clientMessageId: 'b' }], failed);
      expect(retried.pending.every((p) => p.failed === null)).toBe(true);
      expect(run([{ type: 'pending.add', message: pending('c') }], retried).pending).toHaveLength(3);
    });

    it('keeps the handoff brief of each conversation', () => {
      const brief = { reason: 'customer_asked', transcript: [] } as unknown as HandoffBrief;
      expect(run([{ type: 'brief.loaded', conversationId: id(1), brief }]).briefs).toEqual({
        [id(1)]: brief,
      });
    });
  });
});
