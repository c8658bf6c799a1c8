/**
 * A conversation's messages as a client holds them, by `seq`: what arrives twice (a live event and a
 * back-fill, an acknowledgement and its own echo) is held once, always in `seq` order. `contiguous`
 * is the client's watermark: every `seq` up to it is held or proven absent for this client (an
 * internal note a customer never sees, for one). Back-fills ask for what comes after it, never after
 * the highest `seq` held, so a live event that was lost leaves a hole that the next back-fill fills.
 *
 * No zod and no dependencies: the widget bundles this file alone (`@baton/contracts/seq-line`).
 */
export interface SeqLine<M extends { seq: number }> {
  /** In `seq` order, each `seq` once. */
  readonly messages: readonly M[];
  readonly contiguous: number;
}

export function emptyLine<M extends { seq: number }>(): SeqLine<M> {
  return { messages: [], contiguous: 0 };
}

export interface Received<M extends { seq: number }> {
  line: SeqLine<M>;
  /** The messages whose `seq` was not held before, in `seq` order. */
  added: M[];
}

/**
 * Adds messages from anywhere (a live event, an acknowledgement, a back-fill page). A `seq` already
 * held takes the newer copy (the same message with a newer delivery state) but is not `added`.
 */
export function receive<M extends { seq: number }>(line: SeqLine<M>, incoming: readonly M[]): Received<M> {
  if (incoming.length === 0) return { line, added: [] };
  const bySeq = new Map(line.messages.map((m) => [m.seq, m]));
  const added: M[] = [];
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) added.push(message);
    bySeq.set(message.seq, message);
  }
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return {
    line: { messages, contiguous: advance(messages, line.contiguous) },
    added: added.sort((a, b) => a.seq - b.seq),
  };
}

/**
 * Adds one page of `messages.fetch { afterSeq, limit }`. The page holds everything this client may
 * see after `afterSeq` up to its last message, so the watermark moves there; a page shorter than
 * `limit` was the last one, and then `lastSeq` (the conversation's, read before the fetch) is
 * proven too. `done` says whether to stop asking.
 */
export function receivePage<M extends { seq: number }>(
  line: SeqLine<M>,
  afterSeq: number,
  page: readonly M[],
  { limit, lastSeq = 0 }: { limit: number; lastSeq?: number },
): Received<M> & { done: boolean } {
  const { line: merged, added } = receive(line, page);
  const done = page.length < limit;
  // A page asked after a watermark this line no longer has (it was forgotten meanwhile) proves
  // nothing about what lies before `afterSeq`: it is only merged.
  if (afterSeq > line.contiguous) return { line: merged, added, done };
  const proven = Math.max(afterSeq, page.at(-1)?.seq ?? 0, done ? lastSeq : 0);
  return { line: settle(merged, proven), added, done };
}

/** Everything up to `through` is held or proven absent: the watermark moves there (never back). */
export function settle<M extends { seq: number }>(line: SeqLine<M>, through: number): SeqLine<M> {
  if (through <= line.contiguous) return line;
  return { messages: line.messages, contiguous: advance(line.messages, through) };
}

/**
 * True when a message above the watermark is held but one between is not: an event may have been
 * lost (or, for a customer, was a note they never see). Either way, a back-fill after `contiguous` settles it.
 */
export function hasGap<M extends { seq: number }>(line: SeqLine<M>): boolean {
  return (line.messages.at(-1)?.seq ?? 0) > line.contiguous;
}

/** The watermark after `from`, moved on over held messages that follow it without a hole. */
function advance(messages: readonly { seq: number }[], from: number): number {
  let contiguous = from;
  for (const { seq } of messages) {
    if (seq <= contiguous) continue;
    if (seq !== contiguous + 1) break;
    contiguous = seq;
  }
  return contiguous;
}
