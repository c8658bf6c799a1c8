import { Permission } from '@baton/authz';
import { ZAgentState, ZQueue, type Queue, type QueueMembersRequest } from '@baton/contracts';
import { supervisorOverviewQuery, usersQuery } from '../../../lib/queries';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { api, ApiError } from '../../../lib/api';
import { CheckboxField, Field, SelectField } from '../../../ui/forms';
import { Loading } from '../../../ui/Page';
import { isUuid } from '../../../lib/format';
import { FormDialog, splitList } from '../setup-shared';
import { MissingSkills } from './MissingSkills';

interface MemberDraft {
  userId: string;
  skills: string;
  isSupervisor: boolean;
  capacity: string;
}

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
  const [drafts, setDrafts] = useState<MemberDraft[]>(
    queue.members.map((m) => ({
      userId: m.userId,
      skills: m.skills.join(', '),
      isSupervisor: m.isSupervisor,
      capacity: '',
    })),
  );
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | null>(null);

  const capacityNow = (userId: string) =>
    overview.data?.agents.find((a) => a.userId === userId)?.capacity ?? null;
  const user = (userId: string) => users.data?.find((u) => u.id === userId);
  const change = (userId: string, patch: Partial<MemberDraft>) =>
    setDrafts((current) => current.map((d) => (d.userId === userId ? { ...d, ...patch } : d)));

  const add = () => {
    const id = adding.trim();
    if (!isUuid(id)) return setAddError('Choose a user (or type a user id).');
    if (drafts.some((d) => d.userId === id)) return setAddError('That user is already a member.');
    setDrafts((current) => [...current, { userId: id, skills: '', isSupervisor: false, capacity: '' }]);
    setAdding('');
    setAddError(null);
  };

  const submit = async () => {
    const body: QueueMembersRequest = {
      members: drafts.map((d) => ({
        userId: d.userId,
        skills: splitList(d.skills.toLowerCase()),
        isSupervisor: d.isSupervisor,
      })),
    };
    const savedQueue = await api.put(`/queues/${queue.id}/members`, body, ZQueue);
    onSaved(savedQueue);
    // Capacity belongs to the agent, not the queue: set only what was changed, one agent at a time.
    for (const d of drafts) {
      if (d.capacity.trim() === '' || Number(d.capacity) === capacityNow(d.userId)) continue;
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
      change(d.userId, { capacity: '' });
    }
  };

  const candidates = (users.data ?? [])
    .filter((u) => !drafts.some((d) => d.userId === u.id))
    .sort(
      (a, b) =>
        Number(a.status === 'disabled') - Number(b.status === 'disabled') ||
        a.displayName.localeCompare(b.displayName),
    );

  return (
    <FormDialog
      title={`Members of ${queue.name}`}
      submitLabel="Save members"
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <p className="muted">
        Members get this queue&rsquo;s conversations when they are available, have room, and have every
        required skill
        {queue.requiredSkills.length > 0 ? ` (${queue.requiredSkills.join(', ')})` : ''}. Supervisors also
        watch the queue on the supervisor wall. Capacity is how many conversations an agent handles at once,
        across all queues.
      </p>
      {drafts.length === 0 ? (
        <p className="alert alert--warn">
          No members: conversations in this queue wait until someone is added.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table setup-members">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Skills</th>
                <th scope="col">Supervisor</th>
                <th scope="col">Capacity</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d) => {
                const u = user(d.userId);
                const name = u?.displayName ?? d.userId;
                const now = capacityNow(d.userId);
                return (
                  <tr key={d.userId}>
                    <td>
                      {u ? (
                        <>
                          <strong>{u.displayName}</strong>
                          <div className="muted">{u.email}</div>
                          {u.status === 'disabled' && <span className="badge badge--danger">disabled</span>}
                        </>
                      ) : (
                        <code>{d.userId}</code>
                      )}
                    </td>
                    <td>
                      <input
                        className="input setup-input-wide"
                        aria-label={`Skills of ${name}`}
                        placeholder="e.g. billing, spanish"
                        spellCheck={false}
                        value={d.skills}
                        onChange={(e) => change(d.userId, { skills: e.target.value })}
                      />
                      <MissingSkills required={queue.requiredSkills} typed={d.skills} />
                    </td>
                    <td>
                      <CheckboxField
                        label={<span className="visually-hidden">{name} supervises this queue</span>}
                        checked={d.isSupervisor}
                        onChange={(e) => change(d.userId, { isSupervisor: e.target.checked })}
                      />
                    </td>
                    <td>
                      <input
                        className="input setup-input-number"
                        type="number"
                        min={1}
                        max={100}
                        step={1}
                        aria-label={`Capacity of ${name}`}
                        placeholder={now === null ? 'default' : String(now)}
                        value={d.capacity}
                        onChange={(e) => change(d.userId, { capacity: e.target.value })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--small button--danger"
                        aria-label={`Remove ${name}`}
                        onClick={() => setDrafts((current) => current.filter((x) => x.userId !== d.userId))}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted setup-note">
        Skills: comma-separated, lower case. Capacity: 1–100; leave empty to keep the agent&rsquo;s current
        capacity
        {canReadAgents ? ' (shown greyed)' : ''}. Removed members stop getting new conversations; ones they
        hold stay with them.
      </p>
      <div className="row setup-add">
        {canListUsers && !users.data && !users.error ? (
          <Loading what="users" />
        ) : users.data ? (
          <SelectField label="Add a member" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a user…</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.email}){u.status === 'disabled' ? ' — disabled' : ''}
              </option>
            ))}
          </SelectField>
        ) : (
          <Field
            label="Add a member (user id)"
            value={adding}
            spellCheck={false}
            onChange={(e) => setAdding(e.target.value)}
            onKeyDown={(e) => {
              // Enter adds the member rather than saving the whole form.
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            hint={canListUsers ? undefined : 'You cannot list users, so paste the user’s id.'}
          />
        )}
        <button type="button" className="button" onClick={add} disabled={!adding}>
          Add
        </button>
      </div>
      {addError && (
        <p className="field__error" role="alert">
          {addError}
        </p>
      )}
      {users.error ? <p className="field__error">Users could not be loaded; members show as ids.</p> : null}
    </FormDialog>
  );
}
