import type { Role } from '@baton/contracts';
import type { Open } from './open-role';

export function RolesTable({
  roles,
  canManage,
  onOpen,
}: {
  roles: Role[];
  canManage: boolean;
  onOpen: (open: Open) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Permissions</th>
            <th scope="col">Users</th>
            <th scope="col">
              <span className="people-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {roles.map((role) => {
            const editable = canManage && !role.builtIn;
            return (
              <tr key={role.id}>
                <td className="people-role-cell">
                  <strong>{role.name}</strong> {role.builtIn && <span className="badge">built-in</span>}
                  {role.description && <div className="muted">{role.description}</div>}
                </td>
                <td>
                  {role.permissions.length === 0 ? (
                    <span className="muted">None</span>
                  ) : (
                    <span className="people-chips">
                      {role.permissions.map((p) => (
                        <code key={p} className="people-chip">
                          {p}
                        </code>
                      ))}
                    </span>
                  )}
                </td>
                <td>{role.userCount}</td>
                <td className="people-row-action">
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`${editable ? 'Edit' : 'View'} role ${role.name}`}
                    onClick={() => onOpen({ mode: editable ? 'edit' : 'view', role })}
                  >
                    {editable ? 'Edit' : 'View'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
