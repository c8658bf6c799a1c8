import { Permission } from '@baton/authz';
import {
  ZAgentState,
  ZQueue,
  ZQueueRequest,
  type Queue,
  type QueueMembersRequest,
  type QueueRequest,
  type RoutingMode,
} from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useCan } from '../../auth/session';
import { api, ApiError } from '../../lib/api';
import { queryKeys, queuesQuery, supervisorOverviewQuery, useListCache, usersQuery } from '../../lib/queries';
import { CheckboxField, Field, SelectField, TextAreaField } from '../../ui/forms';
import { Loading, PageHeader, formatDuration } from '../../ui/Page';
import { ConfirmAction, FormDialog, Listing, Tags, isUuid, splitList } from './setup-shared';

const ROUTING: Record<RoutingMode, { label: string; hint: string }> = {
  least_busy: {
    label: 'Least busy',
    hint: 'Each conversation goes to the available member with the lowest load (open conversations ÷ capacity).',
  },
  round_robin: {
    label: 'Round robin',
    hint: 'Members take turns: the one who has waited longest since their last assignment goes next.',
  },
  manual: {
    label: 'Manual',
    hint: 'Nothing is assigned automatically; agents or supervisors pick conversations from the queue.',
  },
};

// The order the API lists queues in: highest priority first, then by name.
const queueOrder = (a: Queue, b: Queue) => b.priority - a.priority || a.name.localeCompare(b.name);

type Open = { mode: 'edit'; queue: Queue | null } | { mode: 'members'; queue: Queue } | null;

export default function QueuesPage() {
  const canList = useCan(Permission.QueueRead);
  const queues = useQuery({ ...queuesQuery(), enabled: canList });
  const [open, setOpen] = useState<Open>(null);
  const cache = useListCache<Queue>(queryKeys.queues);
  const client = useQueryClient();
  const saved = (queue: Queue) => {
    cache.upsert(queue, queueOrder);
    // The supervisor wall shows queues and their members.
    void client.invalidateQueries({ queryKey: queryKeys.supervisorOverview });
  };

  return (
    <section className="stack">
      <PageHeader title="Queues">
        <button
          type="button"
          className="button button--primary"
          onClick={() => setOpen({ mode: 'edit', queue: null })}
        >
          New queue
        </button>
      </PageHeader>
      <p className="muted">
        Conversations wait in a queue until a member takes them. Channels and bots choose the queue; the queue
        decides who gets each conversation, and how fast it must be answered.
      </p>
      {!canList && (
        <p className="alert alert--info">
          Your roles can change queues but not list them (that needs <code>queue:read</code>). You can still
          create one.
        </p>
      )}
      <Listing load={queues} what="queues" empty="No queues yet. Create one, then add its members.">
        {(list) => (
          <QueuesTable
            queues={list}
            onEdit={(queue) => setOpen({ mode: 'edit', queue })}
            onMembers={(queue) => setOpen({ mode: 'members', queue })}
            onArchived={(id) => {
              cache.remove(id);
              void client.invalidateQueries({ queryKey: queryKeys.supervisorOverview });
            }}
          />
        )}
      </Listing>

      {open?.mode === 'edit' && (
        <QueueEditor queue={open.queue} onSaved={saved} onDone={() => setOpen(null)} />
      )}
      {open?.mode === 'members' && (
        <MembersEditor queue={open.queue} onSaved={saved} onDone={() => setOpen(null)} />
      )}
    </section>
  );
}

function QueuesTable({
  queues,
  onEdit,
  onMembers,
  onArchived,
}: {
  queues: Queue[];
  onEdit: (queue: Queue) => void;
  onMembers: (queue: Queue) => void;
  onArchived: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Priority</th>
            <th scope="col">Routing</th>
            <th scope="col">Required skills</th>
            <th scope="col">Targets (SLA)</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => {
            const supervisors = queue.members.filter((m) => m.isSupervisor).length;
            return (
              <tr key={queue.id}>
                <td>
                  <strong>{queue.name}</strong>
                  {queue.description && <div className="muted setup-clamp">{queue.description}</div>}
                </td>
                <td>{queue.priority}</td>
                <td>
                  {ROUTING[queue.routingMode].label}
                  <div className="muted">
                    {queue.offerTimeoutSeconds === null
                      ? 'Assigned directly'
                      : `Offer, ${formatDuration(queue.offerTimeoutSeconds)} to accept`}
                  </div>
                </td>
                <td>
                  <Tags values={queue.requiredSkills} empty="None" />
                </td>
                <td>
                  <div>First reply: {target(queue.slaFirstResponseSeconds)}</div>
                  <div>Resolution: {target(queue.slaResolutionSeconds)}</div>
                </td>
                <td>
                  {queue.members.length === 0 ? (
                    <span className="badge badge--warn">No members</span>
                  ) : (
                    <>
                      {queue.members.length}
                      {supervisors > 0 && <div className="muted">{supervisors} supervising</div>}
                    </>
                  )}
                </td>
                <td>
                  <div className="actions setup-row-actions">
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Edit ${queue.name}`}
                      onClick={() => onEdit(queue)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Members of ${queue.name}`}
                      onClick={() => onMembers(queue)}
                    >
                      Members
                    </button>
                    <ConfirmAction
                      label="Archive"
                      accessibleLabel={`Archive ${queue.name}`}
                      title={`Archive ${queue.name}?`}
                      confirmLabel="Archive queue"
                      onConfirm={async () => {
                        await api.post(`/queues/${queue.id}/archive`, {}, ZQueue);
                        onArchived(queue.id);
                      }}
                    >
                      <p>
                        The queue disappears from routing and from pickers. Its conversation history stays.
                        Only an empty queue can be archived: move or resolve its open conversations first.
                      </p>
                      <p>This cannot be undone from the console.</p>
                    </ConfirmAction>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function target(seconds: number | null) {
  return seconds === null ? <span className="muted">none</span> : formatDuration(seconds);
}

type Unit = 60 | 3600 | 86_400;
const UNITS: { value: Unit; label: string }[] = [
  { value: 60, label: 'minutes' },
  { value: 3600, label: 'hours' },
  { value: 86_400, label: 'days' },
];

/** The largest unit that expresses `seconds` exactly, so a stored value reads as it was typed. */
function unitFor(seconds: number | null): Unit {
  if (seconds === null) return 60;
  return ([86_400, 3600, 60] as const).find((u) => seconds % u === 0) ?? 60;
}

/**
 * A target in minutes, hours or days, stored in seconds; empty means no target. Times that are not
 * whole minutes (set through the API) show in minutes with decimals.
 */
function DurationField({
  label,
  hint,
  seconds,
  onChange,
  min,
  max,
}: {
  label: string;
  hint: string;
  seconds: number | null;
  onChange: (seconds: number | null) => void;
  min: number;
  max: number;
}) {
  const [unit, setUnit] = useState<Unit>(unitFor(seconds));
  const [text, setText] = useState(seconds === null ? '' : String(seconds / unit));
  const update = (nextText: string, nextUnit: Unit) => {
    setText(nextText);
    setUnit(nextUnit);
    const n = Number(nextText);
    onChange(nextText.trim() === '' || !Number.isFinite(n) ? null : Math.round(n * nextUnit));
  };
  return (
    <div className="setup-duration">
      <Field
        label={label}
        type="number"
        min={min / unit}
        max={max / unit}
        step="any"
        value={text}
        onChange={(e) => update(e.target.value, unit)}
        placeholder="No target"
        hint={hint}
      />
      <SelectField
        label={`${label} unit`}
        value={unit}
        onChange={(e) => update(text, Number(e.target.value) as Unit)}
      >
        {UNITS.map((u) => (
          <option key={u.value} value={u.value}>
            {u.label}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

function QueueEditor({
  queue,
  onSaved,
  onDone,
}: {
  queue: Queue | null;
  onSaved: (queue: Queue) => void;
  onDone: () => void;
}) {
  const [form, setForm] = useState<QueueRequest>(
    queue
      ? {
          name: queue.name,
          description: queue.description,
          priority: queue.priority,
          routingMode: queue.routingMode,
          offerTimeoutSeconds: queue.offerTimeoutSeconds,
          requiredSkills: queue.requiredSkills,
          slaFirstResponseSeconds: queue.slaFirstResponseSeconds,
          slaResolutionSeconds: queue.slaResolutionSeconds,
        }
      : // The contract's defaults, so a new queue starts as the API would fill it in.
        { ...ZQueueRequest.parse({ name: 'new' }), name: '' },
  );
  const routingHint = useId();
  const [skills, setSkills] = useState(form.requiredSkills.join(', '));
  const set = <K extends keyof QueueRequest>(key: K, value: QueueRequest[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const submit = async () => {
    const body: QueueRequest = { ...form, requiredSkills: splitList(skills.toLowerCase()) };
    onSaved(
      queue ? await api.put(`/queues/${queue.id}`, body, ZQueue) : await api.post('/queues', body, ZQueue),
    );
  };

  return (
    <FormDialog
      title={queue ? `Edit ${queue.name}` : 'New queue'}
      submitLabel={queue ? 'Save queue' : 'Create queue'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={80}
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
          hint="Shown to agents and supervisors, and in transfer menus."
        />
        <Field
          label="Priority"
          type="number"
          required
          min={-100}
          max={100}
          step={1}
          value={form.priority}
          onChange={(e) => set('priority', Number(e.target.value))}
          hint="−100 to 100. Conversations in higher-priority queues are served first; 0 is normal."
        />
      </div>
      <TextAreaField
        label="Description"
        maxLength={500}
        rows={2}
        value={form.description}
        onChange={(e) => set('description', e.target.value)}
        hint="For other admins and supervisors: what belongs in this queue."
      />
      <fieldset className="setup-fieldset">
        <legend>Routing</legend>
        <div className="form-grid">
          <div className="stack setup-tight">
            <SelectField
              label="Routing mode"
              value={form.routingMode}
              onChange={(e) => set('routingMode', e.target.value as RoutingMode)}
              aria-describedby={routingHint}
            >
              {Object.entries(ROUTING).map(([mode, { label }]) => (
                <option key={mode} value={mode}>
                  {label}
                </option>
              ))}
            </SelectField>
            <div id={routingHint} className="field__hint">
              {ROUTING[form.routingMode].hint}
            </div>
          </div>
          <Field
            label="Offer timeout (seconds)"
            type="number"
            min={5}
            max={600}
            step={1}
            placeholder="Assign directly"
            value={form.offerTimeoutSeconds ?? ''}
            onChange={(e) =>
              set('offerTimeoutSeconds', e.target.value === '' ? null : Number(e.target.value))
            }
            hint="5–600. When set, the agent is offered the conversation and must accept within this time, or it moves on to the next agent. Empty: assigned without asking."
          />
          <Field
            label="Required skills"
            value={skills}
            onChange={(e) => setSkills(e.target.value)}
            placeholder="e.g. billing, spanish"
            spellCheck={false}
            hint="Comma-separated. Only members having every one of these skills get conversations from this queue."
          />
        </div>
      </fieldset>
      <fieldset className="setup-fieldset">
        <legend>Service-level targets</legend>
        <div className="form-grid">
          <DurationField
            label="First response within"
            seconds={form.slaFirstResponseSeconds}
            onChange={(s) => set('slaFirstResponseSeconds', s)}
            min={10}
            max={7 * 86_400}
            hint="From entering the queue to the first agent reply; at most 7 days. Supervisors see conversations at risk and overdue."
          />
          <DurationField
            label="Resolution within"
            seconds={form.slaResolutionSeconds}
            onChange={(s) => set('slaResolutionSeconds', s)}
            min={60}
            max={30 * 86_400}
            hint="From entering the queue to resolved; at most 30 days. Empty: no target."
          />
        </div>
      </fieldset>
    </FormDialog>
  );
}

/** A member row as edited: skills as typed, capacity as typed (empty: leave it as it is). */
interface MemberDraft {
  userId: string;
  skills: string;
  isSupervisor: boolean;
  capacity: string;
}

function MembersEditor({
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

/** Flags a member who would never get this queue's conversations for lack of a required skill. */
function MissingSkills({ required, typed }: { required: string[]; typed: string }) {
  const has = splitList(typed.toLowerCase());
  const missing = required.filter((skill) => !has.includes(skill));
  if (missing.length === 0) return null;
  return <div className="field__error">Gets no conversations here: missing {missing.join(', ')}</div>;
}
