import { useEffect, useRef } from 'react';

/**
 * Calls `onClosed` once `open` turns false. A dialog closes itself first and its owner unmounts it
 * afterwards, so the browser returns focus to the button that opened it.
 */
export function useAfterClose(open: boolean, onClosed: () => void) {
  const latest = useRef(onClosed);
  useEffect(() => {
    latest.current = onClosed;
  });
  useEffect(() => {
    if (!open) latest.current();
  }, [open]);
}
