import type { Role } from '@baton/contracts';
import { PermissionList } from './PermissionList';

export function RoleView({ role, onCopy }: { role: Role; onCopy?: () => void }) {
  return (
    <div className="stack">
      {role.description && <p>{role.description}</p>}
      <p className="muted">
        {role.builtIn ? 'Built-in role: read-only. ' : ''}
        Held by {role.userCount} user{role.userCount === 1 ? '' : 's'}; grants {role.permissions.length}{' '}
        permission
        {role.permissions.length === 1 ? '' : 's'}.
      </p>
      <PermissionList permissions={role.permissions} />
      {onCopy && (
        <div className="actions">
          <button type="button" className="button" onClick={onCopy}>
            Copy into a new role
          </button>
        </div>
      )}
    </div>
  );
}
