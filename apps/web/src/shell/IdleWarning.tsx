import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/session';
import { api } from '../lib/api';
import { Dialog } from '../ui/Dialog';

const WARN_BEFORE_S = 60;
const KEEPALIVE_EVERY_MS = 60_000;
const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * The server ends a session after `timeoutSeconds` without requests. While the person is here
 * (typing, clicking) the session is kept alive; once they are away, a minute before the end a
 * warning offers to stay, and at the end the SPA signs out itself, with the reason.
 */
export function IdleWarning({ timeoutSeconds }: { timeoutSeconds: number }) {
  const { signOut } = useAuth();
  // Both start when the shell first shows (set in the effect: the clock is not read while rendering).
  const lastActive = useRef(0);
  const lastKeepAlive = useRef(0);
  const [left, setLeft] = useState<number | null>(null);

  useEffect(() => {
    if (lastKeepAlive.current === 0) lastActive.current = lastKeepAlive.current = Date.now();
    const active = () => {
      lastActive.current = Date.now();
      if (Date.now() - lastKeepAlive.current > KEEPALIVE_EVERY_MS) {
        lastKeepAlive.current = Date.now();
        void api.get('/auth/me').catch(() => undefined);
      }
    };
    for (const type of ACTIVITY) window.addEventListener(type, active, { passive: true });
    const timer = window.setInterval(() => {
      const remaining = Math.round(timeoutSeconds - (Date.now() - lastKeepAlive.current) / 1000);
      const idleFor = (Date.now() - lastActive.current) / 1000;
      if (remaining <= 0) {
        void signOut(
          `You were signed out after ${Math.round(timeoutSeconds / 60)} minutes without activity.`,
        );
      } else if (remaining <= WARN_BEFORE_S && idleFor >= WARN_BEFORE_S) {
        setLeft(remaining);
      } else {
        setLeft(null);
      }
    }, 1000);
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, active);
      window.clearInterval(timer);
    };
  }, [timeoutSeconds, signOut]);

  const stay = () => {
    lastActive.current = Date.now();
    lastKeepAlive.current = Date.now();
    setLeft(null);
    void api.get('/auth/me').catch(() => undefined);
  };

  return (
    <Dialog title="Are you still there?" open={left !== null} onClose={stay}>
      <p role="timer" aria-live="polite">
        For your security you will be signed out in {left} s.
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => void signOut('You signed out.')}>
          Sign out now
        </button>
        <button type="button" className="button button--primary" onClick={stay} autoFocus>
          Stay signed in
        </button>
      </div>
    </Dialog>
  );
}
