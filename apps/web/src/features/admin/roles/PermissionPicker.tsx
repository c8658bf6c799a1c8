import { groupPermissions } from './group-permissions';
import { needsMfa } from './needs-mfa';

/** Every permission as a checkbox, grouped by resource, each group with "Select all". */
export function PermissionPicker({
  all,
  value,
  onChange,
}: {
  all: readonly string[];
  value: readonly string[];
  onChange: (next: string[]) => void;
}) {
  const chosen = new Set(value);
  // Kept in the order the API lists permissions, whatever order they were ticked in.
  const setMany = (permissions: string[], on: boolean) => {
    for (const p of permissions) {
      if (on) chosen.add(p);
      else chosen.delete(p);
    }
    onChange(all.filter((p) => chosen.has(p)));
  };
  return (
    <div className="people-permission-groups">
      {groupPermissions(all).map(([resource, list]) => {
        const every = list.every((p) => chosen.has(p));
        return (
          <fieldset key={resource} className="people-permission-group">
            <legend>{resource}</legend>
            {list.map((p) => (
              <label key={p} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.has(p)}
                  onChange={(e) => setMany([p], e.target.checked)}
                />
                <code>{p}</code>
                {needsMfa(p) && <span className="badge badge--warn">needs MFA</span>}
              </label>
            ))}
            {list.length > 1 && (
              <button
                type="button"
                className="button button--link button--small"
                aria-label={`${every ? 'Clear' : 'Select all'} ${resource} permissions`}
                onClick={() => setMany(list, !every)}
              >
                {every ? 'Clear' : 'Select all'}
              </button>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
