import { Permission } from '@baton/authz';
import type { Role } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { permissionsQuery, queryKeys, rolesQuery, useListCache } from '../../../lib/queries';
import { Dialog } from '../../../ui/Dialog';
import { ErrorMessage } from '../../../ui/forms';
import { PageHeader } from '../../../ui/Page';
import { RolesTable } from './RolesTable';
import { RoleView } from './RoleView';
import { RoleEditor } from './RoleEditor';
import type { Open } from './open-role';
import '../people.css';

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
      <ErrorMessage error={permissions.error} />
      <RolesTable load={roles} canManage={canManage} onOpen={setOpen} />

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
