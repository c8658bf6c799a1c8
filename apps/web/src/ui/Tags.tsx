import './tags.css';

/** Short values (skills, tags, roles) as badges; `empty` when there are none. */
export function Tags({ values, empty = '—' }: { values: readonly string[]; empty?: string }) {
  if (values.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="tags">
      {values.map((value) => (
        <span key={value} className="badge badge--info">
          {value}
        </span>
      ))}
    </span>
  );
}
