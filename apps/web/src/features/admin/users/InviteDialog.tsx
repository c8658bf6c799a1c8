import { Permission } from '@baton/authz';
import {
  ZCreatedUser,
  ZCreateUserRequest,
  type CreatedUser,
  type CreateUserRequest,
  type Role,
  type UserSummary,
} from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useCan } from '../../../auth/session';
import { api } from '../../../lib/api';
import { showServerFieldErrors } from '../../../lib/form-errors';
import { Dialog } from '../../../ui/Dialog';
import { ErrorMessage, Field } from '../../../ui/forms';
import { CopyButton } from '../../../ui/CopyButton';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { RolePicker } from './RolePicker';

const FIELDS = ['email', 'displayName', 'roles'] as const;
const EMPTY = { email: '', displayName: '', roles: [] };

export function InviteDialog({
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
  const form = useContractForm(ZCreateUserRequest, EMPTY);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const action = useMutation({
    mutationFn: (body: CreateUserRequest) =>
      api.post('/users', { ...body, roles: canGrantRoles ? body.roles : [] }, ZCreatedUser),
    onSuccess: (result) => {
      onCreated(result.user);
      setCreated(result);
    },
    onError: (error) => showServerFieldErrors(error, FIELDS, form.setError),
    // The answer holds the one-time password: the mutation cache drops it as soon as the dialog resets.
    gcTime: 0,
  });

  const close = () => {
    // The one-time password must not linger in memory once the dialog is gone.
    setCreated(null);
    form.reset(EMPTY);
    action.reset();
    onClose();
  };

  const submit = form.handleSubmit((body) => action.mutate(body));

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
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <div className="form-grid">
            <Field
              label="Email"
              type="email"
              required
              maxLength={320}
              autoComplete="off"
              autoFocus
              {...bindField(form, 'email')}
            />
            <Field
              label="Display name"
              required
              maxLength={120}
              autoComplete="off"
              {...bindField(form, 'displayName')}
            />
          </div>
          {canGrantRoles && roles ? (
            <Controller
              control={form.control}
              name="roles"
              render={({ field, fieldState }) => (
                <>
                  <RolePicker roles={roles} value={field.value ?? []} onChange={field.onChange} />
                  {fieldState.error && <p className="field__error">{fieldState.error.message}</p>}
                </>
              )}
            />
          ) : (
            <p className="muted">The user starts without roles; someone with role:manage can grant them.</p>
          )}
          <p className="muted">
            Baton generates a one-time password to hand over. Inviting needs a fresh authentication code.
          </p>
          <ErrorMessage error={action.error} besideFields={FIELDS} />
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
