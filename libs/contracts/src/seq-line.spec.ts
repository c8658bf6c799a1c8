import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyLine, hasGap, receive, receivePage, settle, type SeqLine } from './seq-line.js';

interface Line {
  seq: number;
  body: string;
}
const m = (seq: number, body = `message ${seq}`): Line => ({ seq, body });
const seqs = (line: SeqLine<Line>) => line.messages.map((x) => x.seq);

/** What a server answers to `messages.fetch`: the visible messages after `afterSeq`, `limit` at most. */
const fetchPage = (visible: readonly number[], afterSeq: number, limit: number) =>
  visible
    .filter((seq) => seq > afterSeq)
    .slice(0, limit)
    .map((seq) => m(seq));

/** The client's back-fill: pages after the watermark until a short one. */
function backfill(line: SeqLine<Line>, visible: readonly number[], lastSeq: number, limit: number) {
  for (;;) {
    const afterSeq = line.contiguous;
    const page = receivePage(line, afterSeq, fetchPage(visible, afterSeq, limit), { limit, lastSeq });
    line = page.line;
    if (page.done) return line;
  }
}

describe('SeqLine', () => {
  it('keeps each seq once, in order, and moves the watermark only over what follows without a hole', () => {
    let line = emptyLine<Line>();
    line = receive(line, [m(1), m(2)]).line;
    expect(line.contiguous).toBe(2);
    // 3 was lost on the way: 4 is held, but the watermark stays, and a back-fill asks after 2.
    const live = receive(line, [m(4)]);
    expect(live.added.map((x) => x.seq)).toEqual([4]);
    expect(live.line.contiguous).toBe(2);
    expect(hasGap(live.line)).toBe(true);
    const filled = receivePage(live.line, 2, [m(3), m(4)], { limit: 200 });
    expect(filled.added.map((x) => x.seq)).toEqual([3]);
    expect(seqs(filled.line)).toEqual([1, 2, 3, 4]);
    expect(filled.line.contiguous).toBe(4);
    expect(hasGap(filled.line)).toBe(false);
  });

  it('takes the newer copy of a seq it holds without counting it as added', () => {
    const line = receive(emptyLine<Line>(), [m(1, 'sent')]).line;
    const again = receive(line, [m(1, 'delivered')]);
    expect(again.added).toEqual([]);
    expect(again.line.messages).toEqual([m(1, 'delivered')]);
  });

  it('settles numbers a client never sees (a customer and internal notes) with the last page', () => {
    // Seqs 2 and 3 are notes: a customer's back-fill after 1 returns only 4, and proves 2 and 3 absent.
    let line = receive(emptyLine<Line>(), [m(1), m(4)]).line;
    expect(hasGap(line)).toBe(true);
    line = receivePage(line, 1, [m(4)], { limit: 200 }).line;
    expect(line.contiguous).toBe(4);
    // A note after the last visible message: the conversation's lastSeq read before the fetch proves it.
    line = receivePage(line, 4, [], { limit: 200, lastSeq: 5 }).line;
    expect(line.contiguous).toBe(5);
    expect(receive(line, [m(6)]).line.contiguous).toBe(6);
  });

  it('trusts lastSeq only from the last page, and never moves the watermark back', () => {
    const full = receivePage(emptyLine<Line>(), 0, [m(1), m(2)], { limit: 2, lastSeq: 9 });
    expect(full.done).toBe(false);
    expect(full.line.contiguous).toBe(2);
    expect(settle(full.line, 1)).toBe(full.line);
  });

  it('only merges a page asked after a watermark the line no longer has (it was forgotten meanwhile)', () => {
    // Asked after 5; meanwhile the line was dropped and started again empty: 1–5 are not proven.
    const page = receivePage(emptyLine<Line>(), 5, [m(6), m(7)], { limit: 200, lastSeq: 7 });
    expect(page.line.contiguous).toBe(0);
    expect(page.line.messages.map((x) => x.seq)).toEqual([6, 7]);
    expect(hasGap(page.line)).toBe(true);
  });

  it('ends with every visible message once and in order, whatever live events were lost or repeated', () => {
    const scenario = fc
      .record({
        // Which seqs this client may see (the others are notes it never gets), and which live events reach it.
        visible: fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        delivered: fc.array(fc.nat(3), { minLength: 60, maxLength: 60 }),
        limit: fc.integer({ min: 1, max: 7 }),
      })
      .map(({ visible, delivered, limit }) => ({
        visible: visible.flatMap((shown, i) => (shown ? [i + 1] : [])),
        lastSeq: visible.length,
        // 0: lost, 1: once, 2: twice, 3: once, late (after the next one)
        delivered,
        limit,
      }));
    fc.assert(
      fc.property(scenario, ({ visible, lastSeq, delivered, limit }) => {
        let line = emptyLine<Line>();
        const late: Line[] = [];
        visible.forEach((seq, i) => {
          const times = delivered[i] ?? 0;
          const arriving = [...late.splice(0), ...(times === 3 ? [] : Array<Line>(times).fill(m(seq)))];
          if (times === 3) late.push(m(seq));
          line = receive(line, arriving).line;
          // The client's rule: a gap after a live event means a back-fill after the watermark.
          if (hasGap(line)) line = backfill(line, visible.slice(0, i + 1), seq, limit);
          expect(line.contiguous).toBeLessThanOrEqual(seq);
        });
        line = receive(line, late).line;
        // The next reconnect (or live event) back-fills once more.
        line = backfill(line, visible, lastSeq, limit);
        expect(seqs(line)).toEqual(visible);
        expect(line.contiguous).toBe(lastSeq);
        expect(hasGap(line)).toBe(false);
      }),
    );
  });
});
