import { QueuesErrorCode, ZQueue, ZQueueRequest, type Queue, type QueueRequest } from '@baton/contracts';
import { useId } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { z } from 'zod';
import { api } from '../../../lib/api';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { splitList } from '../../../lib/text';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { Field, SelectField, TextAreaField } from '../../../ui/forms';
import { DurationField } from './DurationField';
import { ROUTING } from './queue-text';

/** The contract's schema, with the skills typed as one comma-separated text. */
const ZQueueForm = ZQueueRequest.extend({
  requiredSkills: z
    .string()
    .transform((text) => splitList(text.toLowerCase()))
    .pipe(ZQueueRequest.shape.requiredSkills.unwrap()),
});

const FIELDS = [
  'name',
  'description',
  'priority',
  'routingMode',
  'offerTimeoutSeconds',
  'requiredSkills',
  'slaFirstResponseSeconds',
  'slaResolutionSeconds',
] as const;

/** Empty means "not set" for the optional numbers. */
const numberOrNull = (value: unknown) => (value === '' || value === null ? null : Number(value));

export function QueueEditor({
  queue,
  onSaved,
  onDone,
}: {
  queue: Queue | null;
  onSaved: (queue: Queue) => void;
  onDone: () => void;
}) {
  const initial: QueueRequest = queue
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
      { ...ZQueueRequest.parse({ name: 'new' }), name: '' };
  const form = useContractForm(ZQueueForm, {
    ...initial,
    requiredSkills: initial.requiredSkills.join(', '),
  });
  const routingMode = useWatch({ control: form.control, name: 'routingMode' });
  const routingHint = useId();

  const save = async (body: QueueRequest) => {
    onSaved(
      queue ? await api.put(`/queues/${queue.id}`, body, ZQueue) : await api.post('/queues', body, ZQueue),
    );
  };

  return (
    <ContractFormDialog
      title={queue ? `Edit ${queue.name}` : 'New queue'}
      submitLabel={queue ? 'Save queue' : 'Create queue'}
      form={form}
      fields={FIELDS}
      fieldByCode={{ [QueuesErrorCode.NameTaken]: 'name' }}
      onSubmit={save}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={80}
          {...bindField(form, 'name')}
          hint="Shown to agents and supervisors, and in transfer menus."
        />
        <Field
          label="Priority"
          type="number"
          required
          min={-100}
          max={100}
          step={1}
          {...bindField(form, 'priority', { valueAsNumber: true })}
          hint="−100 to 100. Conversations in higher-priority queues are served first; 0 is normal."
        />
      </div>
      <TextAreaField
        label="Description"
        maxLength={500}
        rows={2}
        {...bindField(form, 'description')}
        hint="For other admins and supervisors: what belongs in this queue."
      />
      <fieldset className="setup-fieldset">
        <legend>Routing</legend>
        <div className="form-grid">
          <div className="stack setup-tight">
            <SelectField
              label="Routing mode"
              {...form.register('routingMode')}
              aria-describedby={routingHint}
            >
              {Object.entries(ROUTING).map(([mode, { label }]) => (
                <option key={mode} value={mode}>
                  {label}
                </option>
              ))}
            </SelectField>
            <div id={routingHint} className="field__hint">
              {ROUTING[routingMode ?? 'least_busy'].hint}
            </div>
          </div>
          <Field
            label="Offer timeout (seconds)"
            type="number"
            min={5}
            max={600}
            step={1}
            placeholder="Assign directly"
            {...bindField(form, 'offerTimeoutSeconds', { setValueAs: numberOrNull })}
            hint="5–600. When set, the agent is offered the conversation and must accept within this time, or it moves on to the next agent. Empty: assigned without asking."
          />
          <Field
            label="Required skills"
            {...bindField(form, 'requiredSkills')}
            placeholder="e.g. billing, spanish"
            spellCheck={false}
            hint="Comma-separated. Only members having every one of these skills get conversations from this queue."
          />
        </div>
      </fieldset>
      <fieldset className="setup-fieldset">
        <legend>Service-level targets</legend>
        <div className="form-grid">
          <Controller
            control={form.control}
            name="slaFirstResponseSeconds"
            render={({ field, fieldState }) => (
              <DurationField
                label="First response within"
                min={10}
                max={7 * 86_400}
                hint="From entering the queue to the first agent reply; at most 7 days. Supervisors see conversations at risk and overdue."
                seconds={field.value ?? null}
                onChange={field.onChange}
                error={fieldState.error?.message}
              />
            )}
          />
          <Controller
            control={form.control}
            name="slaResolutionSeconds"
            render={({ field, fieldState }) => (
              <DurationField
                label="Resolution within"
                min={60}
                max={30 * 86_400}
                hint="From entering the queue to resolved; at most 30 days. Empty: no target."
                seconds={field.value ?? null}
                onChange={field.onChange}
                error={fieldState.error?.message}
              />
            )}
          />
        </div>
      </fieldset>
    </ContractFormDialog>
  );
}
