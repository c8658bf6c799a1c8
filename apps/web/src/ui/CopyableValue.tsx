import { CopyButton } from './CopyButton';

/** A value to paste elsewhere (snippet, URL, secret), selectable and with a copy button. */
export function CopyableValue({
  label,
  value,
  copyLabel,
}: {
  label: string;
  value: string;
  copyLabel?: string;
}) {
  return (
    <div className="setup-copyable">
      <div className="setup-copyable__head">
        <strong>{label}</strong>
        <CopyButton text={value} label={copyLabel ?? `Copy ${label.toLowerCase()}`} />
      </div>
      <pre className="setup-code" tabIndex={0} aria-label={label}>
        <code>{value}</code>
      </pre>
    </div>
  );
}
