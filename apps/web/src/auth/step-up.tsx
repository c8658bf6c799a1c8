import {
  createContext,
  useCallback,
  useContext,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { api } from '../lib/api';
import { Dialog } from '../ui/Dialog';
import { ErrorMessage } from '../ui/forms';
import { CodeField } from './CodeField';
import { useSubmit } from './use-submit';

type Ask = (message: string) => Promise<boolean>;
const StepUpContext = createContext<Ask>(async () => false);

/**
 * Sensitive actions need a recent MFA code. When the server asks for one, this dialog collects it,
 * renews the step-up window and lets the API client retry the action once.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, run, reset } = useSubmit();
  const settle = useRef<((ok: boolean) => void) | null>(null);

  const ask = useCallback<Ask>(
    (text) =>
      new Promise<boolean>((resolve) => {
        settle.current?.(false);
        settle.current = resolve;
        setCode('');
        reset();
        setMessage(text);
      }),
    [reset],
  );

  const finish = (ok: boolean) => {
    settle.current?.(ok);
    settle.current = null;
    setMessage(null);
  };

  const submit = (event: FormEvent) =>
    run(event, async () => {
      await api.post('/auth/mfa/verify', { code });
      finish(true);
    });

  return (
    <StepUpContext.Provider value={ask}>
      {children}
      <Dialog title="Confirm it's you" open={message !== null} onClose={() => finish(false)}>
        <form onSubmit={submit} className="stack">
          <p>{message}</p>
          <CodeField autoFocus value={code} onChange={setCode} />
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="button" className="button" onClick={() => finish(false)}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={busy}>
              Confirm
            </button>
          </div>
        </form>
      </Dialog>
    </StepUpContext.Provider>
  );
}

export function useStepUp(): Ask {
  return useContext(StepUpContext);
}
