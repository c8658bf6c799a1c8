export function excerpt(text: string, length = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
export function confidenceClass(confidence: number): string {
  if (confidence >= 0.6) return 'badge--ok';
  if (confidence >= 0.35) return 'badge--warn';
  return 'badge--danger';
}
