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
