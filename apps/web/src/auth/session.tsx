import { AuthErrorCode, ZSessionProbe, type SessionState } from '@baton/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setApiHooks, setCsrfToken } from '../lib/api';
import { onSessionEnded, signedOut } from '../lib/session-events';
import { useStepUp } from './step-up';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed_out'; notice: string | null }
  | { status: 'signed_in'; session: SessionState };

interface AuthContextValue {
  state: AuthState;
  /** Every sign-in step answers with the new session state. */
  setSession(session: SessionState): void;
  signOut(notice?: string): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export const SESSION_ENDED_NOTICE =
  'Your session has ended: it was signed out elsewhere, timed out, or ended by an administrator. Sign in again to continue.';

/** The 401 of a session that ended for a known reason (`auth.session_ended`) says which in its message. */
function noticeFor(error: ApiError): string {
  return error.code === AuthErrorCode.SessionEnded ? error.message : SESSION_ENDED_NOTICE;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const stepUp = useStepUp();

  const setSession = useCallback((session: SessionState) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed_in', session });
  }, []);

  const ended = useCallback((notice: string | null) => {
    setCsrfToken(null);
    signedOut();
    // The first reason to arrive stays (the socket's and a request's 401 may both report the end).
    setState((current) => (current.status === 'signed_out' ? current : { status: 'signed_out', notice }));
  }, []);

  const signOut = useCallback(
    async (notice?: string) => {
      // Close the socket first: the server tells this session's tabs it signed out, but not this one.
      signedOut();
      await api.post('/auth/logout').catch(() => undefined);
      ended(notice ?? null);
    },
    [ended],
  );

  useEffect(() => {
    setApiHooks({ onSessionEnded: (error) => ended(noticeFor(error)), onStepUpRequired: stepUp });
  }, [ended, stepUp]);

  useEffect(
    () =>
      onSessionEnded((notice) => {
        if (notice) ended(notice);
        // A refused socket gave no reason: a request asks, and its 401 ends the session with one.
        else void api.get('/auth/me').catch(() => undefined);
      }),
    [ended],
  );

  useEffect(() => {
    // `/auth/session` answers 200 for a visitor too, so an anonymous start logs no failed request.
    api
      .get('/auth/session', ZSessionProbe)
      .then(({ session, ended }) =>
        // A reload after the session ended elsewhere still says why.
        session ? setSession(session) : setState({ status: 'signed_out', notice: ended?.message ?? null }),
      )
      .catch((error: unknown) =>
        setState({
          status: 'signed_out',
          notice:
            error instanceof ApiError && (error.status !== 401 || error.code === AuthErrorCode.SessionEnded)
              ? error.message
              : null,
        }),
      );
  }, [setSession]);

  const value = useMemo(() => ({ state, setSession, signOut }), [state, setSession, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in session; only for screens rendered after sign-in finished. */
export function useSession(): SessionState {
  const { state } = useAuth();
  if (state.status !== 'signed_in') throw new Error('useSession before sign-in');
  return state.session;
}

/** Whether the user holds all of these permissions. The server checks again on every call. */
export function useCan(...permissions: string[]): boolean {
  const { user } = useSession();
  return permissions.every((p) => user.permissions.includes(p));
}
