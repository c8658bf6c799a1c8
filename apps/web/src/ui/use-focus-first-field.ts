import { useEffect, useRef } from 'react';

const FIRST_FIELD = 'input:not([type="hidden"]):not(:disabled):not([readonly]), select, textarea';

/**
 * Focuses the first field (or `selector`) inside a dialog. The native dialog would focus its close
 * button; the timeout lets `showModal()` (run in the dialog's own effect) happen first.
 */
export function useFocusFirstField<T extends HTMLElement>(selector = FIRST_FIELD) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => ref.current?.querySelector<HTMLElement>(selector)?.focus());
    return () => window.clearTimeout(timer);
  }, [selector]);
  return ref;
}
