import type { CustomerMessage } from '@baton/contracts';
import { emptyLine, hasGap, receive, receivePage, type SeqLine } from '@baton/contracts/seq-line';

/**
 * The messages of the conversation on screen, by `seq` (`SeqLine`): whatever arrives twice is kept
 * once, in order. Back-fills ask after `contiguous`, the last `seq` up to which nothing is missing,
 * so a live event lost on the way is fetched by the next back-fill. Numbers a customer never sees
 * (internal notes take them too) are settled by the back-fill that skips them.
 */
export class TranscriptStore {
  private id: string | null = null;
  private line: SeqLine<CustomerMessage> = emptyLine();

  get conversationId(): string | null {
    return this.id;
  }

  /** Switches to another conversation (a new one started, or the visitor changed), dropping the old lines. */
  reset(conversationId: string | null): void {
    if (conversationId === this.id) return;
    this.id = conversationId;
    this.line = emptyLine();
  }

  /** Adds the messages of this conversation it does not have yet; returns those that were new. */
  add(messages: readonly CustomerMessage[]): CustomerMessage[] {
    const { line, added } = receive(this.line, this.own(messages));
    this.line = line;
    return added;
  }

  /**
   * Adds a page of `messages.fetch` after `afterSeq`; `lastSeq` is the conversation's, read before
   * the fetch. Returns the messages that were new and whether that was the last page.
   */
  addPage(
    afterSeq: number,
    messages: readonly CustomerMessage[],
    options: { limit: number; lastSeq: number },
  ): { added: CustomerMessage[]; done: boolean } {
    const { line, added, done } = receivePage(this.line, afterSeq, this.own(messages), options);
    this.line = line;
    return { added, done };
  }

  /** 0 before the first message: `messages.fetch` after it returns what is missing. */
  get contiguous(): number {
    return this.line.contiguous;
  }

  /** A message arrived past a hole: a live event was lost (or skipped a note); back-fill. */
  get hasGap(): boolean {
    return hasGap(this.line);
  }

  hasClientMessage(clientMessageId: string): boolean {
    return this.line.messages.some((m) => m.clientMessageId === clientMessageId);
  }

  messages(): CustomerMessage[] {
    return [...this.line.messages];
  }

  private own(messages: readonly CustomerMessage[]): CustomerMessage[] {
    return messages.filter((m) => m.conversationId === this.id);
  }
}
