import { Permission } from '@baton/authz';
import { ZUserSummary, type Role, type UserSummary } from '@baton/contracts';
import { z } from 'zod';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan, useSession } from '../../../auth/session';
import { api } from '../../../lib/api';
import { Link } from '../../../lib/router';
import { Dialog } from '../../../ui/Dialog';
import { ConfirmButton } from '../../../ui/ConfirmButton';
import { DateTime } from '../../../ui/DateTime';
import { ErrorMessage } from '../../../ui/forms';
import { Tags } from '../../../ui/Tags';
import { MfaBadge } from './MfaBadge';
import { StatusBadge } from './StatusBadge';
import { RenameForm } from './RenameForm';
import { RolesForm } from './RolesForm';

export function UserDialog({
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

  /** Runs one change; the returned promise rejects with the server's refusal (also shown in the alert). */
  const save = (request: () => Promise<UserSummary>, done: string) => {
    setNotice('');
    end.reset();
    return change.mutateAsync({ request, done });
  };
  const apply = (request: () => Promise<UserSummary>, done: string) =>
    save(request, done).catch(() => undefined);

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
            <Tags values={user.roles} empty="No roles" />
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
        <ErrorMessage error={action.error} besideFields={['displayName', 'roles']} />

        {canManage && (
          <RenameForm
            key={user.displayName}
            user={user}
            busy={action.busy}
            onSave={(displayName) =>
              save(() => api.patch(`/users/${user.id}`, { displayName }, ZUserSummary), 'Name saved.')
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
              save(
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
