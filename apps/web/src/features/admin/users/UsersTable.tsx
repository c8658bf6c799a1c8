import { Permission } from '@baton/authz';
import type { UserSummary } from '@baton/contracts';
import { useSession } from '../../../auth/session';
import { Link } from '../../../lib/router';
import { Ago } from '../../../ui/Page';
import { MfaBadge, RoleBadges, StatusBadge } from '../people-shared';
import { USERS_PATH } from './users-path';

/** Whether the user holds at least one of these permissions (useCan needs all of them). */
function useCanAny(...permissions: string[]): boolean {
  const { permissions: mine } = useSession().user;
  return permissions.some((p) => mine.includes(p));
}

export function UsersTable({ users }: { users: UserSummary[] }) {
  const me = useSession().user.id;
  // Someone who can only read users opens the same dialog, without its actions.
  const verb = useCanAny(Permission.UserManage, Permission.UserResetMfa, Permission.UserEndSessions)
    ? 'Manage'
    : 'View';
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col">MFA</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">
              <span className="people-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                <strong>{user.displayName}</strong>
                {user.id === me && <span className="muted"> (you)</span>}
                <div className="muted">{user.email}</div>
              </td>
              <td>
                <RoleBadges roles={user.roles} />
              </td>
              <td>
                <StatusBadge status={user.status} />
              </td>
              <td>
                <MfaBadge enabled={user.mfaEnabled} />
              </td>
              <td>
                {user.lastLoginAt ? <Ago at={user.lastLoginAt} /> : <span className="muted">Never</span>}
              </td>
              <td className="people-row-action">
                <Link
                  to={`${USERS_PATH}/${user.id}`}
                  className="button button--small"
                  aria-label={`${verb} ${user.displayName}`}
                >
                  {verb}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
