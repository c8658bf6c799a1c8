import { Permission } from '@baton/authz';
import { ZAgentState, ZQueue, type Queue, type QueueMembersRequest } from '@baton/contracts';
import { useQuery } from '@tanstack/react-query';
import { useFieldArray, type Path } from 'react-hook-form';
import { useCan } from '../../../auth/session';
import { api, ApiError } from '../../../lib/api';
import { useContractForm } from '../../../lib/contract-form';
import { supervisorOverviewQuery, usersQuery } from '../../../lib/queries';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { AddMember } from './AddMember';
import { ZMembersForm, membersInput, type MembersInput, type MembersValues } from './members-form';
import { MembersTable } from './MembersTable';

export function MembersEditor({
  queue,
  onSaved,
  onDone,
}: {
  queue: Queue;
  onSaved: (queue: Queue) => void;
  onDone: () => void;
}) {
  const canListUsers = useCan(Permission.UserRead);
  const canReadAgents = useCan(Permission.AgentRead);
  const users = useQuery({ ...usersQuery(), enabled: canListUsers });
  // Capacities are only readable from the supervisor overview; without it the field starts empty.
  const overview = useQuery({ ...supervisorOverviewQuery(), enabled: canReadAgents });
  const form = useContractForm(ZMembersForm, membersInput(queue));
  const members = useFieldArray({ control: form.control, name: 'members' });

  const capacityNow = (userId: string) =>
    overview.data?.agents.find((a) => a.userId === userId)?.capacity ?? null;
  const user = (userId: string) => users.data?.find((u) => u.id === userId);

  // The server names a member's field by its place in the list (members.2.skills).
  const serverFields = members.fields.flatMap((_, i) =>
    (['userId', 'skills', 'isSupervisor'] as const).map((f) => `members.${i}.${f}` as Path<MembersInput>),
  );

  const saveCapacities = async ({ members: typed }: MembersValues) => {
    // Capacity belongs to the agent, not the queue: set only what was changed, one agent at a time.
    for (const [i, d] of typed.entries()) {
      if (d.capacity === '' || Number(d.capacity) === capacityNow(d.userId)) continue;
      try {
        await api.put(`/agents/${d.userId}/capacity`, { capacity: Number(d.capacity) }, ZAgentState);
      } catch (error) {
        // The members are saved by now; say so, so the admin only fixes the capacity.
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError(
          error instanceof ApiError ? error.status : 0,
          error instanceof ApiError ? error.code : 'capacity_failed',
          `Members saved. The capacity of ${user(d.userId)?.displayName ?? d.userId} was not changed: ${reason}`,
          error instanceof ApiError ? error.details : [],
        );
      }
      form.setValue(`members.${i}.capacity`, '');
    }
  };

  const save = async (values: MembersValues) => {
    const body: QueueMembersRequest = {
      members: values.members.map(({ userId, skills, isSupervisor }) => ({ userId, skills, isSupervisor })),
    };
    onSaved(await api.put(`/queues/${queue.id}/members`, body, ZQueue));
    await saveCapacities(values);
  };

  const isMember = (userId: string) => form.getValues('members').some((m) => m.userId === userId);
  const candidates = users.data
    ? users.data
        .filter((u) => !members.fields.some((m) => m.userId === u.id))
        .sort(
          (a, b) =>
            Number(a.status === 'disabled') - Number(b.status === 'disabled') ||
            a.displayName.localeCompare(b.displayName),
        )
    : null;

  return (
    <ContractFormDialog
      title={`Members of ${queue.name}`}
      submitLabel="Save members"
      form={form}
      fields={serverFields}
      onSubmit={save}
      onDone={onDone}
    >
      <p className="muted">
        Members get this queue&rsquo;s conversations when they are available, have room, and have every
        required skill
        {queue.requiredSkills.length > 0 ? ` (${queue.requiredSkills.join(', ')})` : ''}. Supervisors also
        watch the queue on the supervisor wall. Capacity is how many conversations an agent handles at once,
        across all queues.
      </p>
      {members.fields.length === 0 ? (
        <p className="alert alert--warn">
          No members: conversations in this queue wait until someone is added.
        </p>
      ) : (
        <MembersTable
          form={form}
          rows={members.fields}
          requiredSkills={queue.requiredSkills}
          user={user}
          capacityNow={capacityNow}
          onRemove={members.remove}
        />
      )}
      <p className="muted setup-note">
        Skills: comma-separated, lower case. Capacity: 1–100; leave empty to keep the agent&rsquo;s current
        capacity
        {canReadAgents ? ' (shown greyed)' : ''}. Removed members stop getting new conversations; ones they
        hold stay with them.
      </p>
      <AddMember
        candidates={candidates}
        loading={canListUsers && !users.data && !users.error}
        canListUsers={canListUsers}
        isMember={isMember}
        onAdd={(userId) => members.append({ userId, skills: '', isSupervisor: false, capacity: '' })}
      />
      {users.error ? <p className="field__error">Users could not be loaded; members show as ids.</p> : null}
    </ContractFormDialog>
  );
}
