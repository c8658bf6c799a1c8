import { Permission } from '@baton/authz';
import type { UserSummary } from '@baton/contracts';
import { useSession } from '../../../auth/session';
import { Link } from '../../../lib/router';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { Ago } from '../../../ui/Page';
import { Tags } from '../../../ui/Tags';
import { MfaBadge } from './MfaBadge';
import { StatusBadge } from './StatusBadge';
import { USERS_PATH } from './users-path';

/** Whether the user holds at least one of these permissions (useCan needs all of them). */
function useCanAny(...permissions: string[]): boolean {
  const { permissions: mine } = useSession().user;
  return permissions.some((p) => mine.includes(p));
}

const COLUMNS: Column<UserSummary>[] = [
  { header: 'Roles', cell: (user) => <Tags values={user.roles} empty="No roles" /> },
  { header: 'Status', cell: (user) => <StatusBadge status={user.status} /> },
  { header: 'MFA', cell: (user) => <MfaBadge enabled={user.mfaEnabled} /> },
  {
    header: 'Last sign-in',
    cell: (user) => (user.lastLoginAt ? <Ago at={user.lastLoginAt} /> : <span className="muted">Never</span>),
  },
];

export function UsersTable({ load, empty }: { load: TableLoad<UserSummary>; empty: string }) {
  const me = useSession().user.id;
  // Someone who can only read users opens the same dialog, without its actions.
  const verb = useCanAny(Permission.UserManage, Permission.UserResetMfa, Permission.UserEndSessions)
    ? 'Manage'
    : 'View';
  const name: Column<UserSummary> = {
    header: 'Name',
    cell: (user) => (
      <>
        <strong>{user.displayName}</strong>
        {user.id === me && <span className="muted"> (you)</span>}
        <div className="muted">{user.email}</div>
      </>
    ),
  };
  return (
    <DataTable
      caption="Users"
      columns={[name, ...COLUMNS]}
      load={load}
      empty={empty}
      actions={(user) => (
        <Link
          to={`${USERS_PATH}/${user.id}`}
          className="button button--small"
          aria-label={`${verb} ${user.displayName}`}
        >
          {verb}
        </Link>
      )}
    />
  );
}
