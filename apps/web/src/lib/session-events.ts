/**
 * Sign-out as an event: modules that hold per-session state (the socket) clean up without the
 * sign-in code importing them, so the login screen does not download socket.io.
 */
const listeners = new Set<() => void>();

export function onSignedOut(listener: () => void): void {
  listeners.add(listener);
}

export function signedOut(): void {
  for (const listener of listeners) listener();
}

/**
 * The server ended this session: the socket was told why (`notice`, shown on the sign-in screen),
 * or the socket was refused without a reason (null: the session provider asks the server).
 */
const endedListeners = new Set<(notice: string | null) => void>();

/** Returns the unsubscribe function (an effect's cleanup). */
export function onSessionEnded(listener: (notice: string | null) => void): () => void {
  endedListeners.add(listener);
  return () => {
    endedListeners.delete(listener);
  };
}

export function sessionEnded(notice: string | null): void {
  for (const listener of endedListeners) listener(notice);
}
