import type { Role } from '@baton/contracts';
import { CheckboxField } from '../../../ui/forms';

/** Role checkboxes with each role's description; built-in roles first, as the API lists them. */
export function RolePicker({
  roles,
  value,
  onChange,
}: {
  roles: Role[];
  value: readonly string[];
  onChange: (next: string[]) => void;
}) {
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...value, name].sort() : value.filter((r) => r !== name));
  return (
    <fieldset className="people-fieldset">
      <legend>Roles</legend>
      {roles.map((role) => (
        <CheckboxField
          key={role.id}
          checked={value.includes(role.name)}
          onChange={(e) => toggle(role.name, e.target.checked)}
          label={
            <span>
              <strong>{role.name}</strong>
              {role.builtIn && <span className="muted"> (built-in)</span>}
              {role.description && <span className="muted"> — {role.description}</span>}
            </span>
          }
        />
      ))}
    </fieldset>
  );
}
