import { useEffect, useRef } from 'react';

/** The fields a form would want focused first. */
export const FIRST_FIELD = 'input:not([type="hidden"]):not(:disabled):not([readonly]), select, textarea';

/**
 * Moves the focus to the returned ref's element (or its first descendant matching `selector`) each
 * time `active` turns true. It waits a tick, so a dialog opened in the same commit has run
 * `showModal()`, which focuses its own first button, before this one takes over.
 */
export function useFocusWhen<T extends HTMLElement>(active: boolean, selector?: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!active) return;
    const timer = window.setTimeout(() => {
      const el = ref.current;
      (selector ? el?.querySelector<HTMLElement>(selector) : el)?.focus();
    });
    return () => window.clearTimeout(timer);
  }, [active, selector]);
  return ref;
}

/** Focuses the first field (or `selector`) inside the returned ref's element once it is shown. */
export function useFocusFirstField<T extends HTMLElement>(selector = FIRST_FIELD) {
  return useFocusWhen<T>(true, selector);
}
