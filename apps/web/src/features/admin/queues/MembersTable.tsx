import type { UserSummary } from '@baton/contracts';
import { useWatch, type FieldArrayWithId, type UseFormReturn } from 'react-hook-form';
import { DataTable, type Column } from '../../../ui/DataTable';
import { CheckboxField } from '../../../ui/forms';
import type { MembersInput, MembersValues } from './members-form';
import { MissingSkills } from './MissingSkills';

type Row = FieldArrayWithId<MembersInput, 'members'>;

/** The members being edited, one row each: skills, supervisor flag, capacity, and Remove. */
export function MembersTable({
  form,
  rows,
  requiredSkills,
  user,
  capacityNow,
  onRemove,
}: {
  form: UseFormReturn<MembersInput, unknown, MembersValues>;
  rows: Row[];
  requiredSkills: string[];
  user: (userId: string) => UserSummary | undefined;
  capacityNow: (userId: string) => number | null;
  onRemove: (index: number) => void;
}) {
  const typed = useWatch({ control: form.control, name: 'members' }) ?? [];
  const errors = form.formState.errors.members;
  const nameOf = (row: Row) => user(row.userId)?.displayName ?? row.userId;
  const columns: Column<Row>[] = [
    {
      header: 'Agent',
      cell: (row) => {
        const u = user(row.userId);
        if (!u) return <code>{row.userId}</code>;
        return (
          <>
            <strong>{u.displayName}</strong>
            <div className="muted">{u.email}</div>
            {u.status === 'disabled' && <span className="badge badge--danger">disabled</span>}
          </>
        );
      },
    },
    {
      header: 'Skills',
      cell: (row, i) => (
        <>
          <input
            className="input setup-input-wide"
            aria-label={`Skills of ${nameOf(row)}`}
            aria-invalid={errors?.[i]?.skills ? true : undefined}
            placeholder="e.g. billing, spanish"
            spellCheck={false}
            {...form.register(`members.${i}.skills`)}
          />
          {errors?.[i]?.skills ? (
            <div className="field__error">{errors[i].skills.message}</div>
          ) : (
            <MissingSkills required={requiredSkills} typed={typed[i]?.skills ?? ''} />
          )}
        </>
      ),
    },
    {
      header: 'Supervisor',
      cell: (row, i) => (
        <CheckboxField
          label={<span className="visually-hidden">{nameOf(row)} supervises this queue</span>}
          {...form.register(`members.${i}.isSupervisor`)}
        />
      ),
    },
    {
      header: 'Capacity',
      cell: (row, i) => {
        const now = capacityNow(row.userId);
        return (
          <>
            <input
              className="input setup-input-number"
              type="number"
              min={1}
              max={100}
              step={1}
              aria-label={`Capacity of ${nameOf(row)}`}
              aria-invalid={errors?.[i]?.capacity ? true : undefined}
              placeholder={now === null ? 'default' : String(now)}
              {...form.register(`members.${i}.capacity`)}
            />
            {errors?.[i]?.capacity && <div className="field__error">{errors[i].capacity.message}</div>}
          </>
        );
      },
    },
  ];
  return (
    <DataTable
      caption="Members"
      className="setup-members"
      columns={columns}
      rows={rows}
      actionsHeader="Remove"
      actions={(row, i) => (
        <button
          type="button"
          className="button button--small button--danger"
          aria-label={`Remove ${nameOf(row)}`}
          onClick={() => onRemove(i)}
        >
          Remove
        </button>
      )}
    />
  );
}
