import { QueryClient } from '@tanstack/react-query';
import { onSignedOut } from './session-events';

// Kept apart from `queries.ts`, whose schemas would pull zod and the contracts into the main chunk.

/**
 * The SPA's cache. Defaults keep what the screens did before the cache: every screen loads fresh
 * when it opens (showing the last value meanwhile), and nothing reloads on its own on window focus or
 * reconnect (some reads are audited, such as a customer's details: they happen when a person opens
 * them). A refusal shows at once instead of after retries (a 403 does not become a 200 by asking again).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 0, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

/** The SPA's one cache. */
export const queryClient = createQueryClient();

// Someone else may sign in next in this tab: nothing loaded for this session stays behind.
onSignedOut(() => queryClient.clear());
