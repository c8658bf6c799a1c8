/** An identifier or hash in a monospaced font; a dash when there is none. */
export function Mono({ value }: { value: string | null }) {
  return value ? <code className="audit-mono">{value}</code> : <span className="muted">—</span>;
}
