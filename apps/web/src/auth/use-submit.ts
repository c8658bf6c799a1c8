import { useCallback, useState, type FormEvent } from 'react';

/** Runs a form submit with a busy flag and the error kept for display. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (event: FormEvent, action: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  /** Forgets the last error, for a form shown afresh. */
  const reset = useCallback(() => setError(null), []);
  return { busy, error, run, reset };
}
