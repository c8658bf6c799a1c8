/** Small text helpers for what people type into lists and search boxes. */

/** Items typed as one text, separated by commas or new lines; blanks and repeats dropped. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/** Case-insensitive "contains" over several fields, for client-side search boxes. */
export function matchesSearch(search: string, ...fields: (string | null | undefined)[]): boolean {
  const needle = search.trim().toLowerCase();
  return !needle || fields.some((field) => field?.toLowerCase().includes(needle));
}

export const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
