import type { CustomerMessage } from '@baton/contracts';
import { describe, expect, it } from 'vitest';
import { TranscriptStore } from './transcript.store.js';

const C1 = '0b4f3b9c-1d0e-4a57-9d0c-6b1e2f3a4b5c';
const C2 = '7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b';

const message = (
  seq: number,
  conversationId = C1,
  extra: Partial<CustomerMessage> = {},
): CustomerMessage => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  conversationId,
  seq,
  authorKind: 'agent',
  kind: 'reply',
  authorName: 'Dana',
  body: `message ${seq}`,
  clientMessageId: null,
  createdAt: new Date(0).toISOString(),
  ...extra,
});

describe('TranscriptStore', () => {
  it('keeps each seq once and in order, however the pieces arrive', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    expect(store.add([message(4)]).map((m) => m.seq)).toEqual([4]);
    // A back-fill after a reconnect overlaps what arrived live.
    expect(store.add([message(1), message(2), message(4)]).map((m) => m.seq)).toEqual([1, 2]);
    expect(store.messages().map((m) => m.seq)).toEqual([1, 2, 4]);
    // 3 is still missing: the next back-fill asks after 2, not after 4.
    expect(store.contiguous).toBe(2);
    expect(store.hasGap).toBe(true);
  });

  it('back-fills a live event lost between two others, from the last contiguous seq', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    store.add([message(1), message(2)]);
    // The live event of 3 was lost; 4 arrives.
    store.add([message(4)]);
    expect(store.hasGap).toBe(true);
    const afterSeq = store.contiguous;
    expect(afterSeq).toBe(2);
    const page = store.addPage(afterSeq, [message(3), message(4)], { limit: 200, lastSeq: 4 });
    expect(page).toEqual({ added: [message(3)], done: true });
    expect(store.messages().map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(store.hasGap).toBe(false);
  });

  it('settles the numbers of notes it never sees with the back-fill that skips them', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    store.add([message(1)]);
    // 2 and 3 are internal notes; 4 arrives live and looks like a gap until a back-fill says otherwise.
    store.add([message(4)]);
    expect(store.hasGap).toBe(true);
    store.addPage(store.contiguous, [message(4)], { limit: 200, lastSeq: 5 });
    expect(store.hasGap).toBe(false);
    expect(store.contiguous).toBe(5);
    store.add([message(6)]);
    expect(store.hasGap).toBe(false);
  });

  it('ignores messages of another conversation and starts empty after a switch', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    store.add([message(1), message(1, C2)]);
    expect(store.messages()).toHaveLength(1);
    store.reset(C2);
    expect(store.contiguous).toBe(0);
    expect(store.add([message(1, C2)])).toHaveLength(1);
  });

  it('recognises a customer message by its clientMessageId (so the outbox can forget it)', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    store.add([message(1, C1, { authorKind: 'customer', clientMessageId: 'client-0001' })]);
    expect(store.hasClientMessage('client-0001')).toBe(true);
    expect(store.hasClientMessage('client-0002')).toBe(false);
  });
});
