import { ZRole, ZRoleRequest, type Role, type RoleRequest } from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { Controller } from 'react-hook-form';
import { api } from '../../../lib/api';
import { showServerFieldErrors } from '../../../lib/form-errors';
import { ConfirmButton } from '../../../ui/ConfirmButton';
import { ErrorMessage, Field, TextAreaField } from '../../../ui/forms';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { PermissionPicker } from './PermissionPicker';

const FIELDS = ['name', 'description', 'permissions'] as const;

export function RoleEditor({
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
  const form = useContractForm(ZRoleRequest, {
    name: role?.name ?? (from ? `${from.name}-copy` : ''),
    description: role?.description ?? from?.description ?? '',
    permissions: allPermissions.filter((p) => (role ?? from)?.permissions.includes(p)),
  });
  const save = useMutation({
    mutationFn: (body: RoleRequest) =>
      role ? api.put(`/roles/${role.id}`, body, ZRole) : api.post('/roles', body, ZRole),
    onSuccess: onSaved,
    onError: (error) => showServerFieldErrors(error, FIELDS, form.setError),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/roles/${id}`),
    onSuccess: (_answer, id) => onRemoved(id),
  });
  const submit = form.handleSubmit((body) => save.mutate(body));
  // Role names are lower case: typed capitals are lowered as they are typed.
  const name = bindField(form, 'name');

  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <Field
          label="Name"
          required
          pattern="[a-z][a-z0-9_\-]{1,39}"
          maxLength={40}
          hint="Lower-case letters, digits, dash or underscore; 2–40 characters, starting with a letter."
          {...name}
          onChange={(e) => {
            e.target.value = e.target.value.toLowerCase();
            return name.onChange(e);
          }}
        />
      </div>
      <TextAreaField label="Description" maxLength={500} rows={2} {...bindField(form, 'description')} />
      <Controller
        control={form.control}
        name="permissions"
        render={({ field, fieldState }) => (
          <>
            <div className="row">
              <h3 className="people-grow">Permissions</h3>
              <span className="muted">
                {field.value.length} of {allPermissions.length} selected
              </span>
            </div>
            <p className="muted">
              Permissions marked <span className="badge badge--warn">needs MFA</span> make MFA mandatory for
              everyone holding the role.
            </p>
            {fieldState.error && <p className="field__error">{fieldState.error.message}</p>}
            <PermissionPicker all={allPermissions} value={field.value} onChange={field.onChange} />
          </>
        )}
      />
      {role && role.userCount > 0 && (
        <p className="muted">
          {role.userCount} user{role.userCount === 1 ? ' holds' : 's hold'} this role; changes apply to them
          at once.
        </p>
      )}
      <ErrorMessage error={save.error ?? remove.error} besideFields={FIELDS} />
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
