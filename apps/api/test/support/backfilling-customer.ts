import {
  CustomerClientEvent,
  CustomerServerEvent,
  type CustomerConversationState,
  type CustomerMessage,
} from '@baton/contracts';
import { emptyLine, hasGap, receive, receivePage, type SeqLine } from '@baton/contracts/seq-line';
import type { Socket } from 'socket.io-client';

const PAGE = 200;

/** Why a back-fill ran. */
export type BackfillCause = 'connect' | 'gap' | 'resumed';

/**
 * A customer client that keeps its conversation the way the widget does (docs/ARCHITECTURE.md,
 * "Live delivery and back-fill"): messages by `seq` in a `SeqLine`, and a back-fill after the last
 * contiguous `seq` on connect, on a live message past a hole, and on `realtime.resumed`.
 */
export class BackfillingCustomer {
  line: SeqLine<CustomerMessage> = emptyLine();
  /** The back-fills that ran, by cause, in order. */
  readonly backfills: BackfillCause[] = [];
  private running: Promise<void> | null = null;
  private again: BackfillCause | null = null;

  constructor(
    private readonly socket: Socket,
    { hearResumed = true }: { hearResumed?: boolean } = {},
  ) {
    socket.on('connect', () => this.backfillLater('connect'));
    socket.on(CustomerServerEvent.MessageCreated, ({ message }: { message: CustomerMessage }) => {
      this.line = receive(this.line, [message]).line;
      if (hasGap(this.line)) this.backfillLater('gap');
    });
    if (hearResumed) socket.on(CustomerServerEvent.RealtimeResumed, () => this.backfillLater('resumed'));
  }

  /** From an event: a failed back-fill (an unanswered or refused request) waits for the next cause. */
  private backfillLater(cause: BackfillCause): void {
    this.backfill(cause).catch(() => undefined);
  }

  /** Its own message, as the acknowledgement returns it. */
  add(message: CustomerMessage): void {
    this.line = receive(this.line, [message]).line;
  }

  seqs(): number[] {
    return this.line.messages.map((m) => m.seq);
  }

  /** One at a time; asked again while running, runs once more. */
  backfill(cause: BackfillCause): Promise<void> {
    if (this.running) {
      this.again = cause;
      return this.running;
    }
    this.running = (async () => {
      try {
        for (let next: BackfillCause | null = cause; next; next = this.again) {
          this.again = null;
          this.backfills.push(next);
          await this.pages();
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async pages(): Promise<void> {
    const { conversation } = (await this.socket
      .timeout(5_000)
      .emitWithAck(CustomerClientEvent.CurrentConversation, {})) as {
      conversation: CustomerConversationState | null;
    };
    if (!conversation) return;
    for (;;) {
      const afterSeq = this.line.contiguous;
      const { messages } = (await this.socket.timeout(5_000).emitWithAck(CustomerClientEvent.FetchMessages, {
        conversationId: conversation.id,
        afterSeq,
        limit: PAGE,
      })) as { messages: CustomerMessage[] };
      const page = receivePage(this.line, afterSeq, messages, { limit: PAGE, lastSeq: conversation.lastSeq });
      this.line = page.line;
      if (page.done) return;
    }
  }
}
