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
    expect(store.highestSeq).toBe(4);
  });

  it('ignores messages of another conversation and starts empty after a switch', () => {
    const store = new TranscriptStore();
    store.reset(C1);
    store.add([message(1), message(1, C2)]);
    expect(store.messages()).toHaveLength(1);
    store.reset(C2);
    expect(store.highestSeq).toBe(0);
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
