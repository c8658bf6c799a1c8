import type { CustomerMessage } from '@baton/contracts';

/**
 * The messages of the conversation on screen, keyed by `seq`: whatever arrives twice (a live event
 * and a back-fill, or an ack and its own echo) is kept once, and the list is always in `seq` order
 * however the pieces arrived. Gaps in `seq` are normal (internal notes take numbers too), so the
 * client back-fills after the highest `seq` it holds rather than looking for holes.
 */
export class TranscriptStore {
  private id: string | null = null;
  private readonly bySeq = new Map<number, CustomerMessage>();

  get conversationId(): string | null {
    return this.id;
  }

  /** Switches to another conversation (a new one started, or the visitor changed), dropping the old lines. */
  reset(conversationId: string | null): void {
    if (conversationId === this.id) return;
    this.id = conversationId;
    this.bySeq.clear();
  }

  /** Adds the messages of this conversation it does not have yet; returns those that were new. */
  add(messages: readonly CustomerMessage[]): CustomerMessage[] {
    const added: CustomerMessage[] = [];
    for (const message of messages) {
      if (message.conversationId !== this.id || this.bySeq.has(message.seq)) continue;
      this.bySeq.set(message.seq, message);
      added.push(message);
    }
    return added;
  }

  /** 0 before the first message: `messages.fetch` after it returns the whole conversation. */
  get highestSeq(): number {
    let highest = 0;
    for (const seq of this.bySeq.keys()) highest = Math.max(highest, seq);
    return highest;
  }

  hasClientMessage(clientMessageId: string): boolean {
    for (const m of this.bySeq.values()) if (m.clientMessageId === clientMessageId) return true;
    return false;
  }

  messages(): CustomerMessage[] {
    return [...this.bySeq.values()].sort((x, y) => x.seq - y.seq);
  }
}
