import { describe, expect, it } from 'vitest';
import { OutboxStore, type KeyValueStorage } from './outbox.store.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const entry = (id: string, conversationId: string | null = null) => ({
  clientMessageId: id,
  body: `body ${id}`,
  conversationId,
  queuedAt: 1,
});

describe('OutboxStore', () => {
  it('survives a reload: a new store on the same storage sees the unacknowledged messages, in order', () => {
    const storage = memoryStorage();
    const before = new OutboxStore(storage, 'baton:c:outbox');
    before.add(entry('a'));
    before.add(entry('b'));
    before.remove('a');
    before.add(entry('c'));
    const after = new OutboxStore(storage, 'baton:c:outbox');
    expect(after.list().map((e) => e.clientMessageId)).toEqual(['b', 'c']);
    after.remove('b');
    after.remove('c');
    expect(storage.data.has('baton:c:outbox')).toBe(false);
  });

  it('re-adding the same clientMessageId keeps one entry; update changes it in place', () => {
    const store = new OutboxStore(memoryStorage(), 'k');
    store.add(entry('a', 'conv-1'));
    store.add(entry('a', 'conv-1'));
    store.update('a', { conversationId: null });
    expect(store.list()).toEqual([entry('a', null)]);
  });

  it('ignores corrupt storage and works in memory when storage is unavailable or throws', () => {
    const storage = memoryStorage();
    storage.data.set('k', '{not json');
    expect(new OutboxStore(storage, 'k').list()).toEqual([]);
    storage.data.set('k', JSON.stringify([{ clientMessageId: 1 }, entry('ok')]));
    expect(new OutboxStore(storage, 'k').list().map((e) => e.clientMessageId)).toEqual(['ok']);

    const none = new OutboxStore(null, 'k');
    none.add(entry('a'));
    expect(none.list()).toHaveLength(1);

    const full = new OutboxStore(
      {
        getItem: () => null,
        setItem: () => {
          throw new Error('QuotaExceededError');
        },
        removeItem: () => undefined,
      },
      'k',
    );
    expect(() => full.add(entry('a'))).not.toThrow();
    expect(full.list().map((e) => e.clientMessageId)).toEqual(['a']);
  });
});
