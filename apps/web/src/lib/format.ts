/** Formatting shared by screens: dates, shares and file names. */

const secondsFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A local date and time to the second: audit work compares events seconds apart. */
export function formatDateTime(iso: string): string {
  return secondsFormat.format(new Date(iso));
}

const shortFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A local date and time to the minute, as people read it ("7 Dec 2026, 14:05"). */
export function formatDateTimeShort(iso: string): string {
  return shortFormat.format(new Date(iso));
}

/** 0.35 → "35%". */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A file-name-safe timestamp such as 2025-01-31T14-05-09. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}
