/** A customer message not yet acknowledged by the server. */
export interface OutboxEntry {
  /** Idempotency key: re-sending it never stores the message twice. */
  clientMessageId: string;
  body: string;
  /** The conversation it was written in; null for the first message (the server picks or starts one). */
  conversationId: string | null;
  queuedAt: number;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function isEntry(value: unknown): value is OutboxEntry {
  const e = value as Partial<OutboxEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.clientMessageId === 'string' &&
    typeof e.body === 'string' &&
    (e.conversationId === null || typeof e.conversationId === 'string') &&
    typeof e.queuedAt === 'number'
  );
}

/**
 * Messages typed but not yet acknowledged, kept in localStorage so a reload, a crash or a dropped
 * connection loses nothing: they are re-sent, in order, whenever the socket (re)connects. Read from
 * storage every time, so tabs of one visitor share it (a double send is harmless: sends are idempotent).
 * Without usable storage (private mode, blocked) it still works for the life of the page.
 */
export class OutboxStore {
  private memory: OutboxEntry[] = [];

  constructor(
    private storage: KeyValueStorage | null,
    private readonly key: string,
  ) {}

  list(): OutboxEntry[] {
    if (!this.storage) return [...this.memory];
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  add(entry: OutboxEntry): void {
    this.write([...this.list().filter((e) => e.clientMessageId !== entry.clientMessageId), entry]);
  }

  update(clientMessageId: string, change: Partial<Omit<OutboxEntry, 'clientMessageId'>>): void {
    this.write(this.list().map((e) => (e.clientMessageId === clientMessageId ? { ...e, ...change } : e)));
  }

  remove(clientMessageId: string): void {
    this.write(this.list().filter((e) => e.clientMessageId !== clientMessageId));
  }

  private write(entries: OutboxEntry[]): void {
    this.memory = entries;
    if (!this.storage) return;
    try {
      if (entries.length === 0) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(entries));
    } catch {
      // Storage full or blocked: from now on the in-memory copy gets the messages out while the page lives.
      this.storage = null;
    }
  }
}
