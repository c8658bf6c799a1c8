import type { Role } from '@baton/contracts';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import type { Open } from './open-role';

const COLUMNS: Column<Role>[] = [
  {
    header: 'Role',
    className: 'people-role-cell',
    cell: (role) => (
      <>
        <strong>{role.name}</strong> {role.builtIn && <span className="badge">built-in</span>}
        {role.description && <div className="muted">{role.description}</div>}
      </>
    ),
  },
  {
    header: 'Permissions',
    cell: (role) =>
      role.permissions.length === 0 ? (
        <span className="muted">None</span>
      ) : (
        <span className="people-chips">
          {role.permissions.map((p) => (
            <code key={p} className="people-chip">
              {p}
            </code>
          ))}
        </span>
      ),
  },
  { header: 'Users', cell: (role) => role.userCount },
];

export function RolesTable({
  load,
  canManage,
  onOpen,
}: {
  load: TableLoad<Role>;
  canManage: boolean;
  onOpen: (open: Open) => void;
}) {
  return (
    <DataTable
      caption="Roles"
      columns={COLUMNS}
      load={load}
      empty="No roles yet."
      actions={(role) => {
        const editable = canManage && !role.builtIn;
        return (
          <button
            type="button"
            className="button button--small"
            aria-label={`${editable ? 'Edit' : 'View'} role ${role.name}`}
            onClick={() => onOpen({ mode: editable ? 'edit' : 'view', role })}
          >
            {editable ? 'Edit' : 'View'}
          </button>
        );
      }}
    />
  );
}
