import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether the module at `moduleUrl` (its `import.meta.url`) is the script Node was asked to run, as
 * `npm run` does, rather than a module another one imported (a test, `npm start`). Compared as real
 * paths, so a symlinked checkout or script still counts.
 */
export function isEntrypoint(moduleUrl: string): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
