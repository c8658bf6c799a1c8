import { z } from 'zod';

/*
 * How the SPA writes numbers, durations, times and ids for people: one place, so every screen says
 * the same thing the same way.
 */

/** A duration in words, rounded to its largest units: "45 s", "12 min", "3 h 5 min", "2 d". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}

/** Seconds as a wait: to the second under an hour, so a ticking clock visibly moves. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return formatDuration(s);
}

/** The local clock time of an instant (ISO string or epoch ms), to the minute. */
export function clockTime(at: string | number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A fraction as a whole percentage: 0.35 → "35%". */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

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

/** A file-name-safe timestamp such as 2025-01-31T14-05-09. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

const uuid = z.uuid();
/** The contracts' UUID pattern without its anchors, to find ids inside a sentence. */
const UUID_IN_TEXT = z.regexes.uuid().source.replace(/^\^|\$$/g, '');

/** Whether the value (spaces aside) is a UUID as the API's contracts accept one. */
export function isUuid(value: string): boolean {
  return uuid.safeParse(value.trim()).success;
}

/** Replaces every UUID inside `text` with what `name` makes of it. */
export function replaceUuids(text: string, name: (id: string) => string): string {
  return text.replace(new RegExp(UUID_IN_TEXT, 'g'), name);
}
