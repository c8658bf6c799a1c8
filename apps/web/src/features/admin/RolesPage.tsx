import { MFA_CRITICAL_PERMISSIONS, Permission, isPermission } from '@baton/authz';
import { ZRole, type Role, type RoleRequest } from '@baton/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useCan } from '../../auth/session';
import { api } from '../../lib/api';
import { permissionsQuery, queryKeys, rolesQuery, useListCache } from '../../lib/queries';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage, Field, TextAreaField } from '../../ui/forms';
import { Empty, Loading, PageHeader } from '../../ui/Page';
import { ConfirmButton, groupPermissions } from './people-shared';
import './people.css';

/** What the dialog shows: a role to view or edit, or a new role (possibly copied from another). */
type Open = { mode: 'view' | 'edit'; role: Role } | { mode: 'new'; from: Role | null } | null;

const needsMfa = (permission: string) => isPermission(permission) && MFA_CRITICAL_PERMISSIONS.has(permission);

export default function RolesPage() {
  const roles = useQuery(rolesQuery());
  const permissions = useQuery(permissionsQuery());
  const canManage = useCan(Permission.RoleManage);
  const [open, setOpen] = useState<Open>(null);

  const cache = useListCache<Role>(queryKeys.roles);
  const client = useQueryClient();
  const saved = (role: Role) => {
    // Built-in roles first, then by name: the order the API lists them in.
    cache.upsert(role, (a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));
    // Users and the access review show what each role grants.
    void client.invalidateQueries({ queryKey: queryKeys.users });
    void client.invalidateQueries({ queryKey: queryKeys.accessReview });
    setOpen(null);
  };
  const removed = (id: string) => {
    cache.remove(id);
    setOpen(null);
  };

  return (
    <section className="stack people-page">
      <PageHeader title="Roles">
        {canManage && permissions.data && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => setOpen({ mode: 'new', from: null })}
          >
            New role
          </button>
        )}
      </PageHeader>
      <p className="muted">
        A user&rsquo;s rights are the union of their roles&rsquo; permissions. Built-in roles are defined by
        Baton and cannot be changed; create a custom role for a different set.
      </p>
      <ErrorMessage error={roles.error ?? permissions.error} />
      {roles.isLoading && !roles.data ? (
        <Loading what="roles" />
      ) : roles.data?.length === 0 ? (
        <Empty>No roles yet.</Empty>
      ) : (
        roles.data && <RolesTable roles={roles.data} canManage={canManage} onOpen={setOpen} />
      )}

      {open && (
        <Dialog
          title={
            open.mode === 'new'
              ? 'New role'
              : open.mode === 'edit'
                ? `Edit role ${open.role.name}`
                : `Role ${open.role.name}`
          }
          open
          onClose={() => setOpen(null)}
          wide
        >
          {open.mode === 'view' ? (
            <RoleView
              role={open.role}
              onCopy={
                canManage && permissions.data ? () => setOpen({ mode: 'new', from: open.role }) : undefined
              }
            />
          ) : (
            permissions.data && (
              <RoleEditor
                role={open.mode === 'edit' ? open.role : null}
                from={open.mode === 'new' ? open.from : null}
                allPermissions={permissions.data}
                onSaved={saved}
                onRemoved={removed}
                onCancel={() => setOpen(null)}
              />
            )
          )}
        </Dialog>
      )}
    </section>
  );
}

function RolesTable({
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

function PermissionList({ permissions }: { permissions: readonly string[] }) {
  if (permissions.length === 0) return <p className="muted">This role grants no permission.</p>;
  return (
    <div className="people-permission-groups">
      {groupPermissions(permissions).map(([resource, list]) => (
        <section key={resource} className="people-permission-group">
          <h4>{resource}</h4>
          <ul>
            {list.map((p) => (
              <li key={p}>
                <code>{p}</code> {needsMfa(p) && <span className="badge badge--warn">needs MFA</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function RoleView({ role, onCopy }: { role: Role; onCopy?: () => void }) {
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

function RoleEditor({
  role,
  from,
  allPermissions,
  onSaved,
  onRemoved,
  onCancel,
}: {
  /** The role being edited; null for a new one. */
  role: Role | null;
  /** A role whose permissions a new role starts from. */
  from: Role | null;
  allPermissions: string[];
  onSaved: (role: Role) => void;
  onRemoved: (id: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(role?.name ?? (from ? `${from.name}-copy` : ''));
  const [description, setDescription] = useState(role?.description ?? from?.description ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set(role?.permissions ?? from?.permissions ?? []));
  const save = useMutation({
    mutationFn: (body: RoleRequest) =>
      role ? api.put(`/roles/${role.id}`, body, ZRole) : api.post('/roles', body, ZRole),
    onSuccess: onSaved,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/roles/${id}`),
    onSuccess: (_answer, id) => onRemoved(id),
  });

  const setMany = (permissions: string[], on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const p of permissions) {
        if (on) next.add(p);
        else next.delete(p);
      }
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: RoleRequest = { name, description, permissions: allPermissions.filter((p) => chosen.has(p)) };
    save.mutate(body);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-grid">
        <Field
          label="Name"
          required
          pattern="[a-z][a-z0-9_\-]{1,39}"
          maxLength={40}
          hint="Lower-case letters, digits, dash or underscore; 2–40 characters, starting with a letter."
          value={name}
          onChange={(e) => setName(e.target.value.toLowerCase())}
        />
      </div>
      <TextAreaField
        label="Description"
        maxLength={500}
        rows={2}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <div className="row">
        <h3 className="people-grow">Permissions</h3>
        <span className="muted">
          {chosen.size} of {allPermissions.length} selected
        </span>
      </div>
      <p className="muted">
        Permissions marked <span className="badge badge--warn">needs MFA</span> make MFA mandatory for
        everyone holding the role.
      </p>
      <div className="people-permission-groups">
        {groupPermissions(allPermissions).map(([resource, list]) => {
          const all = list.every((p) => chosen.has(p));
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
                  aria-label={`${all ? 'Clear' : 'Select all'} ${resource} permissions`}
                  onClick={() => setMany(list, !all)}
                >
                  {all ? 'Clear' : 'Select all'}
                </button>
              )}
            </fieldset>
          );
        })}
      </div>
      {role && role.userCount > 0 && (
        <p className="muted">
          {role.userCount} user{role.userCount === 1 ? ' holds' : 's hold'} this role; changes apply to them
          at once.
        </p>
      )}
      <ErrorMessage error={save.error ?? remove.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : role ? 'Save role' : 'Create role'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <span className="people-grow" />
        {role &&
          (role.userCount > 0 ? (
            <span className="muted">To delete this role, first remove it from its users.</span>
          ) : (
            <ConfirmButton
              label="Delete role"
              busy={remove.isPending}
              onConfirm={async () => {
                await remove.mutateAsync(role.id).catch(() => undefined);
              }}
            >
              Delete the role <strong>{role.name}</strong>? No user holds it; this cannot be undone.
            </ConfirmButton>
          ))}
      </div>
    </form>
  );
}
