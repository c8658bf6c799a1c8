import { Permission } from '@baton/authz';
import type { UserSummary } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { queryKeys, rolesQuery, useListCache, usersQuery } from '../../../lib/queries';
import { Link, navigate, usePath } from '../../../lib/router';
import { SelectField } from '../../../ui/forms';
import { PageHeader } from '../../../ui/Page';
import { matchesSearch } from '../../../lib/text';
import { SearchField } from '../../../ui/SearchField';
import { USERS_PATH } from './users-path';
import { UsersTable } from './UsersTable';
import { UserDialog } from './UserDialog';
import { InviteDialog } from './InviteDialog';
import '../people.css';

type Show = 'all' | 'active' | 'disabled' | 'mfa_off';

export default function UsersPage() {
  const users = useQuery(usersQuery());
  const canManage = useCan(Permission.UserManage);
  const canReadRoles = useCan(Permission.RoleRead);
  const roles = useQuery({ ...rolesQuery(), enabled: canReadRoles });
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [inviting, setInviting] = useState(false);
  // The open user lives in the path (/admin/users/<id>) so it can be linked to and Back closes it.
  const path = usePath();
  const selectedId = path.startsWith(`${USERS_PATH}/`)
    ? decodeURIComponent(path.slice(USERS_PATH.length + 1))
    : null;

  const list = users.data ?? [];
  const selected = list.find((u) => u.id === selectedId) ?? null;
  const visible = list.filter(
    (u) =>
      matchesSearch(search, u.displayName, u.email, ...u.roles) &&
      (show === 'all' || (show === 'mfa_off' ? !u.mfaEnabled : u.status === show)),
  );

  const cache = useListCache<UserSummary>(queryKeys.users);
  const client = useQueryClient();
  const replace = (user: UserSummary) => {
    cache.upsert(user, (a, b) => a.email.localeCompare(b.email));
    // Roles and queues list their members; the access review lists every account.
    void client.invalidateQueries({ queryKey: queryKeys.roles });
    void client.invalidateQueries({ queryKey: queryKeys.accessReview });
  };

  return (
    <section className="stack people-page">
      <PageHeader title="Users">
        {canManage && (
          <button type="button" className="button button--primary" onClick={() => setInviting(true)}>
            Invite user
          </button>
        )}
      </PageHeader>

      <div className="people-toolbar">
        <SearchField label="Search" placeholder="Name, email or role" value={search} onChange={setSearch} />
        <SelectField label="Show" value={show} onChange={(e) => setShow(e.target.value as Show)}>
          <option value="all">All users</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
          <option value="mfa_off">MFA off</option>
        </SelectField>
      </div>

      {users.data && visible.length > 0 && (
        <p className="muted people-count">
          {visible.length === list.length
            ? `${list.length} users`
            : `${visible.length} of ${list.length} users`}
        </p>
      )}
      <UsersTable
        load={{ data: users.data && visible, isLoading: users.isLoading, error: users.error }}
        empty={list.length === 0 ? 'No users yet.' : 'No user matches this search.'}
      />

      {selected && (
        <UserDialog
          user={selected}
          roles={roles.data ?? null}
          onChanged={replace}
          onClose={() => navigate(USERS_PATH)}
        />
      )}
      {users.data && selectedId && !selected && (
        <div className="alert alert--warn" role="alert">
          No user with this id. <Link to={USERS_PATH}>Show all users</Link>
        </div>
      )}
      <InviteDialog
        open={inviting}
        roles={roles.data ?? null}
        onCreated={replace}
        onClose={() => setInviting(false)}
      />
    </section>
  );
}
