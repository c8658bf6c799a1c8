import { useState } from 'react';
import { Field, SelectField } from '../../../ui/forms';

type Unit = 60 | 3600 | 86_400;
const UNITS: { value: Unit; label: string }[] = [
  { value: 60, label: 'minutes' },
  { value: 3600, label: 'hours' },
  { value: 86_400, label: 'days' },
];

/** The largest unit that expresses `seconds` exactly, so a stored value reads as it was typed. */
function unitFor(seconds: number | null): Unit {
  if (seconds === null) return 60;
  return ([86_400, 3600, 60] as const).find((u) => seconds % u === 0) ?? 60;
}

/**
 * A target in minutes, hours or days, stored in seconds; empty means no target. Times that are not
 * whole minutes (set through the API) show in minutes with decimals.
 */
export function DurationField({
  label,
  hint,
  seconds,
  onChange,
  min,
  max,
  error,
}: {
  label: string;
  hint: string;
  error?: string;
  seconds: number | null;
  onChange: (seconds: number | null) => void;
  min: number;
  max: number;
}) {
  const [unit, setUnit] = useState<Unit>(unitFor(seconds));
  const [text, setText] = useState(seconds === null ? '' : String(seconds / unit));
  const update = (nextText: string, nextUnit: Unit) => {
    setText(nextText);
    setUnit(nextUnit);
    const n = Number(nextText);
    onChange(nextText.trim() === '' || !Number.isFinite(n) ? null : Math.round(n * nextUnit));
  };
  return (
    <div className="setup-duration">
      <Field
        label={label}
        type="number"
        min={min / unit}
        max={max / unit}
        step="any"
        value={text}
        onChange={(e) => update(e.target.value, unit)}
        placeholder="No target"
        hint={hint}
        error={error}
      />
      <SelectField
        label={`${label} unit`}
        value={unit}
        onChange={(e) => update(text, Number(e.target.value) as Unit)}
      >
        {UNITS.map((u) => (
          <option key={u.value} value={u.value}>
            {u.label}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
