/**
 * Whether an error is a screen's code that failed to download: a lazy route's chunk (a deploy replaced
 * it, or the connection dropped). React caches the failed import, so only a page reload fetches it again.
 */
export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'ChunkLoadError' ||
    // Chromium, Firefox and Safari word it differently; Vite's preload helper adds its own.
    /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(
      error.message,
    )
  );
}
