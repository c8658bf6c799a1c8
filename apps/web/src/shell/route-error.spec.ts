import { describe, expect, it } from 'vitest';
import { isChunkLoadError } from './route-error';

describe('a screen whose code failed to download', () => {
  it('is recognised in the wording of each browser, so the screen offers a reload', () => {
    for (const message of [
      'Failed to fetch dynamically imported module: https://baton.example/assets/QueuesPage-1a2b.js',
      'error loading dynamically imported module: https://baton.example/assets/QueuesPage-1a2b.js',
      'Importing a module script failed.',
      'Unable to preload CSS for /assets/setup-3c4d.css',
    ]) {
      expect(isChunkLoadError(new TypeError(message))).toBe(true);
    }
  });

  it('is told apart from a screen that failed while drawing, which offers to try again', () => {
    expect(isChunkLoadError(new TypeError("Cannot read properties of undefined (reading 'map')"))).toBe(
      false,
    );
    expect(isChunkLoadError('Failed to fetch dynamically imported module')).toBe(false);
  });
});
