import { ZRole, type Role, type RoleRequest } from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../../lib/api';
import { ErrorMessage, Field, TextAreaField } from '../../../ui/forms';
import { ConfirmButton, groupPermissions } from '../people-shared';
import { needsMfa } from './needs-mfa';

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
