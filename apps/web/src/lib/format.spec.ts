import { describe, expect, it } from 'vitest';
import { formatDuration, formatWait, isUuid, percent, replaceUuids } from './format';

const id = '0b8e2f4c-5d1a-4c3b-9e7f-2a6d8c0e4b1f';

describe('formatting for people', () => {
  it('writes a fraction as a whole percentage, the same on every screen', () => {
    expect(percent(0.35)).toBe('35%');
    expect(percent(0.004)).toBe('0%');
    expect(percent(1)).toBe('100%');
  });

  it('writes durations by their largest units and waits to the second under an hour', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3 h 5 min');
    expect(formatDuration(2 * 86_400 + 10)).toBe('2 d');
    expect(formatWait(125)).toBe('2 min 05 s');
    expect(formatWait(-3)).toBe('0 s');
  });

  it('recognises a UUID as the contracts do, spaces aside', () => {
    expect(isUuid(id)).toBe(true);
    expect(isUuid(` ${id.toUpperCase()} `)).toBe(true);
    expect(isUuid('support@example.test')).toBe(false);
    expect(isUuid(`${id}0`)).toBe(false);
  });

  it('names every UUID inside a sentence', () => {
    const other = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    expect(replaceUuids(`transferred by ${id} to ${other}.`, (x) => (x === id ? 'Ada' : 'Grace'))).toBe(
      'transferred by Ada to Grace.',
    );
  });
});
