import { Permission } from '@baton/authz';
import { ZCreatedUser, ZUserSummary, type CreatedUser, type Role, type UserSummary } from '@baton/contracts';
import { z } from 'zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useCan, useSession } from '../../auth/session';
import { api } from '../../lib/api';
import { queryKeys, rolesQuery, useListCache, usersQuery } from '../../lib/queries';
import { Link, navigate, usePath } from '../../lib/router';
import { Dialog } from '../../ui/Dialog';
import { CheckboxField, ErrorMessage, Field, SelectField } from '../../ui/forms';
import { Ago, Empty, Loading, PageHeader } from '../../ui/Page';
import { ConfirmButton, DateTime, MfaBadge, RoleBadges, StatusBadge, matchesSearch } from './people-shared';
import { CopyButton } from '../../ui/CopyButton';
import './people.css';

const BASE = '/admin/users';
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
  const selectedId = path.startsWith(`${BASE}/`) ? decodeURIComponent(path.slice(BASE.length + 1)) : null;

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
        <Field
          label="Search"
          type="search"
          placeholder="Name, email or role"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <SelectField label="Show" value={show} onChange={(e) => setShow(e.target.value as Show)}>
          <option value="all">All users</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
          <option value="mfa_off">MFA off</option>
        </SelectField>
      </div>

      <ErrorMessage error={users.error} />
      {users.isLoading && !users.data ? (
        <Loading what="users" />
      ) : users.data && visible.length === 0 ? (
        <Empty>{list.length === 0 ? 'No users yet.' : 'No user matches this search.'}</Empty>
      ) : (
        users.data && (
          <>
            <p className="muted people-count">
              {visible.length === list.length
                ? `${list.length} users`
                : `${visible.length} of ${list.length} users`}
            </p>
            <UsersTable users={visible} />
          </>
        )
      )}

      {selected && (
        <UserDialog
          user={selected}
          roles={roles.data ?? null}
          onChanged={replace}
          onClose={() => navigate(BASE)}
        />
      )}
      {users.data && selectedId && !selected && (
        <div className="alert alert--warn" role="alert">
          No user with this id. <Link to={BASE}>Show all users</Link>
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

/** Whether the user holds at least one of these permissions (useCan needs all of them). */
function useCanAny(...permissions: string[]): boolean {
  const { permissions: mine } = useSession().user;
  return permissions.some((p) => mine.includes(p));
}

function UsersTable({ users }: { users: UserSummary[] }) {
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
                  to={`${BASE}/${user.id}`}
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

/** Role checkboxes with each role's description; built-in roles first, as the API lists them. */
function RolePicker({
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

function InviteDialog({
  open,
  roles,
  onCreated,
  onClose,
}: {
  open: boolean;
  roles: Role[] | null;
  onCreated: (user: UserSummary) => void;
  onClose: () => void;
}) {
  const canGrantRoles = useCan(Permission.RoleManage);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const action = useMutation({
    mutationFn: () =>
      api.post('/users', { email, displayName, roles: canGrantRoles ? chosen : [] }, ZCreatedUser),
    onSuccess: (result) => {
      onCreated(result.user);
      setCreated(result);
    },
    // The answer holds the one-time password: the mutation cache drops it as soon as the dialog resets.
    gcTime: 0,
  });

  const close = () => {
    // The one-time password must not linger in memory once the dialog is gone.
    setCreated(null);
    setEmail('');
    setDisplayName('');
    setChosen([]);
    action.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.mutate();
  };

  return (
    <Dialog title={created ? 'User invited' : 'Invite user'} open={open} onClose={close} wide>
      {created ? (
        <div className="stack">
          <p>
            <strong>{created.user.displayName}</strong> ({created.user.email}) can now sign in with this
            one-time password. They must choose their own password at first sign-in.
          </p>
          <div className="stack people-secret-block">
            <span className="people-secret-label">One-time password</span>
            <div className="people-secret">
              <code className="secret">{created.oneTimePassword}</code>
              <CopyButton text={created.oneTimePassword} label="Copy password" />
            </div>
          </div>
          <div className="alert alert--warn">
            <strong>Shown only now.</strong> Baton keeps only a hash of this password and cannot show it
            again: copy it before closing this dialog. Hand it over by another channel than email (in person,
            by phone).
          </div>
          <div className="actions">
            <button type="button" className="button button--primary" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <div className="form-grid">
            <Field
              label="Email"
              type="email"
              required
              maxLength={320}
              autoComplete="off"
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <Field
              label="Display name"
              required
              maxLength={120}
              autoComplete="off"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </div>
          {canGrantRoles && roles ? (
            <RolePicker roles={roles} value={chosen} onChange={setChosen} />
          ) : (
            <p className="muted">The user starts without roles; someone with role:manage can grant them.</p>
          )}
          <p className="muted">
            Baton generates a one-time password to hand over. Inviting needs a fresh authentication code.
          </p>
          <ErrorMessage error={action.error} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={action.isPending}>
              {action.isPending ? 'Inviting…' : 'Invite'}
            </button>
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function UserDialog({
  user,
  roles,
  onChanged,
  onClose,
}: {
  user: UserSummary;
  roles: Role[] | null;
  onChanged: (user: UserSummary) => void;
  onClose: () => void;
}) {
  const session = useSession();
  const canManage = useCan(Permission.UserManage);
  const canSetRoles = useCan(Permission.UserManage, Permission.RoleManage);
  const canResetMfa = useCan(Permission.UserResetMfa);
  const canEndSessions = useCan(Permission.UserEndSessions);
  const canReadAudit = useCan(Permission.AuditRead);
  const isSelf = user.id === session.user.id;
  const [notice, setNotice] = useState('');
  // One action at a time on this account; its error shows until the next one starts.
  const change = useMutation({
    mutationFn: ({ request }: { request: () => Promise<UserSummary>; done: string }) => request(),
    onSuccess: (updated, { done }) => {
      onChanged(updated);
      setNotice(done);
    },
  });
  const end = useMutation({
    mutationFn: () => api.post(`/users/${user.id}/sessions/end`, {}, z.object({ ended: z.number() })),
    onSuccess: ({ ended }) => setNotice(`${ended} session${ended === 1 ? '' : 's'} ended.`),
  });
  const action = { busy: change.isPending || end.isPending, error: change.error ?? end.error };

  const apply = async (request: () => Promise<UserSummary>, done: string) => {
    setNotice('');
    end.reset();
    await change.mutateAsync({ request, done }).catch(() => undefined);
  };

  const endSessions = async () => {
    setNotice('');
    change.reset();
    await end.mutateAsync().catch(() => undefined);
  };

  return (
    <Dialog title={user.displayName} open onClose={onClose} wide>
      <div className="stack">
        <dl className="people-facts">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={user.status} />
          </dd>
          <dt>MFA</dt>
          <dd>
            <MfaBadge enabled={user.mfaEnabled} />
          </dd>
          <dt>Roles</dt>
          <dd>
            <RoleBadges roles={user.roles} />
          </dd>
          <dt>Last sign-in</dt>
          <dd>{user.lastLoginAt ? <DateTime at={user.lastLoginAt} /> : 'Never'}</dd>
          <dt>Created</dt>
          <dd>
            <DateTime at={user.createdAt} />
          </dd>
        </dl>
        {canReadAudit && (
          <Link to={`/admin/audit?targetType=user&targetId=${user.id}`}>Audit trail of this user</Link>
        )}

        <p role="status" className={notice ? 'alert alert--ok people-status' : 'people-status'}>
          {notice}
        </p>
        <ErrorMessage error={action.error} />

        {canManage && (
          <RenameForm
            key={user.displayName}
            user={user}
            busy={action.busy}
            onSave={(displayName) =>
              apply(() => api.patch(`/users/${user.id}`, { displayName }, ZUserSummary), 'Name saved.')
            }
          />
        )}

        {canSetRoles && roles && (
          <RolesForm
            key={user.roles.join(' ')}
            user={user}
            roles={roles}
            busy={action.busy}
            onSave={(names) =>
              apply(
                () => api.put(`/users/${user.id}/roles`, { roles: names }, ZUserSummary),
                'Roles saved. The user was signed out everywhere and gets the new rights at the next sign-in.',
              )
            }
          />
        )}

        {(canManage || canResetMfa || canEndSessions) && (
          <section className="stack" aria-labelledby="people-account-actions">
            <h3 id="people-account-actions">Account</h3>
            <div className="people-action-list">
              {canManage && user.status === 'disabled' && (
                <button
                  type="button"
                  className="button"
                  disabled={action.busy}
                  onClick={() =>
                    void apply(
                      () => api.post(`/users/${user.id}/enable`, {}, ZUserSummary),
                      'Account enabled.',
                    )
                  }
                >
                  Enable account
                </button>
              )}
              {canManage && user.status === 'active' && !isSelf && (
                <ConfirmButton
                  label="Disable account"
                  busy={action.busy}
                  onConfirm={() =>
                    apply(() => api.post(`/users/${user.id}/disable`, {}, ZUserSummary), 'Account disabled.')
                  }
                >
                  Disable <strong>{user.displayName}</strong>? They are signed out everywhere at once and
                  cannot sign in until an administrator enables the account again.
                </ConfirmButton>
              )}
              {canResetMfa && (
                <ConfirmButton
                  label="Reset MFA"
                  busy={action.busy}
                  onConfirm={() =>
                    apply(
                      () => api.post(`/users/${user.id}/mfa/reset`, {}, ZUserSummary),
                      'MFA reset. The user was signed out and must enrol an authenticator at the next sign-in.',
                    )
                  }
                >
                  Reset MFA for <strong>{user.displayName}</strong>? Their authenticator and recovery codes
                  stop working, their sessions end, and they enrol again at the next sign-in. Do this only
                  after confirming who is asking.
                </ConfirmButton>
              )}
              {canEndSessions && (
                <ConfirmButton label="End all sessions" busy={action.busy} onConfirm={endSessions}>
                  Sign <strong>{user.displayName}</strong> out on every device now? Unsent work in their open
                  tabs may be lost.
                </ConfirmButton>
              )}
            </div>
            {canManage && isSelf && <p className="muted">You cannot disable your own account.</p>}
          </section>
        )}
      </div>
    </Dialog>
  );
}

function RenameForm({
  user,
  busy,
  onSave,
}: {
  user: UserSummary;
  busy: boolean;
  onSave: (displayName: string) => Promise<void>;
}) {
  const [name, setName] = useState(user.displayName);
  const changed = name.trim() !== '' && name.trim() !== user.displayName;
  return (
    <form
      className="people-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(name.trim());
      }}
    >
      <Field
        label="Display name"
        required
        maxLength={120}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="button" disabled={busy || !changed}>
        Save name
      </button>
    </form>
  );
}

function RolesForm({
  user,
  roles,
  busy,
  onSave,
}: {
  user: UserSummary;
  roles: Role[];
  busy: boolean;
  onSave: (roles: string[]) => Promise<void>;
}) {
  const [chosen, setChosen] = useState<string[]>(user.roles);
  const changed = chosen.join(' ') !== user.roles.join(' ');
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(chosen);
      }}
    >
      <RolePicker roles={roles} value={chosen} onChange={setChosen} />
      <p className="muted">
        Saving a role change signs the user out everywhere, so the new rights apply from their next sign-in.
        It needs a fresh authentication code.
      </p>
      <div className="actions">
        <button type="submit" className="button" disabled={busy || !changed}>
          Save roles
        </button>
        {changed && (
          <button type="button" className="button button--link" onClick={() => setChosen(user.roles)}>
            Undo changes
          </button>
        )}
      </div>
    </form>
  );
}
