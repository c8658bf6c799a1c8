import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Closer than this to the end counts as "reading the newest" (a line of slack for rounding and margins). */
const NEAR_END_PX = 48;

/** Scroll positions are the DOM's, written outside React's state. */
function scrollToEnd(el: HTMLElement): void {
  el.scrollTop = el.scrollHeight;
}

/**
 * Keeps a scrolling message list on its newest entry while the reader is there: new entries, a
 * taller reply box or a late-loading brief all keep the end in view (the reply box is sticky at the
 * scroller's bottom, so "the end" is just above it). Once the reader scrolls up,
 * the list stays where they are and `unseen` turns on until they come back to the end. `scroller` goes
 * on the scrolling element.
 */
export function useStickToBottom<E extends HTMLElement>(count: number) {
  const scroller = useRef<E>(null);
  const atEnd = useRef(true);
  const seenCount = useRef(count);
  const [unseen, setUnseen] = useState(false);

  const toEnd = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    scrollToEnd(el);
    atEnd.current = true;
    setUnseen(false);
  }, [scroller]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END_PX;
      if (atEnd.current) setUnseen(false);
    };
    const stick = () => {
      if (atEnd.current) scrollToEnd(el);
    };
    // Size changes (the window, a taller reply box, a longer list) do not fire `scroll`. The handoff
    // brief is left out: opening its transcript must not pull the reader away from it.
    const resized = new ResizeObserver(stick);
    const observeChildren = () => {
      for (const child of Array.from(el.children))
        if (!child.classList.contains('handoff')) resized.observe(child);
    };
    resized.observe(el);
    observeChildren();
    const added = new MutationObserver(() => {
      observeChildren();
      stick();
    });
    added.observe(el, { childList: true });
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      resized.disconnect();
      added.disconnect();
    };
  }, [scroller]);

  // Before paint, so the reader never sees the list jump.
  useLayoutEffect(() => {
    if (count === seenCount.current) return;
    const grew = count > seenCount.current;
    seenCount.current = count;
    if (atEnd.current) toEnd();
    else if (grew) setUnseen(true);
  }, [count, toEnd]);

  return { scroller, unseen, toEnd };
}
