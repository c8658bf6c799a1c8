import { BotsErrorCode, ZBot, type Bot, type BotRequest, type Queue } from '@baton/contracts';
import { Controller, useWatch } from 'react-hook-form';
import { api } from '../../../lib/api';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { CheckboxField, Field, SelectField, TextAreaField } from '../../../ui/forms';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { ENGINES } from './bot-engines';
import { ZBotForm, botInput } from './bot-form';
import { HandoffQueues } from './HandoffQueues';

const FIELDS = [
  'name',
  'engine',
  'enabled',
  'allowedQueueIds',
  'confidenceThreshold',
  'maxUnhelpfulTurns',
  'systemPrompt',
  'model',
] as const;

export function BotEditor({
  bot,
  queues,
  onSaved,
  onDone,
}: {
  bot: Bot | null;
  queues: Queue[] | null;
  onSaved: (bot: Bot) => void;
  onDone: () => void;
}) {
  const form = useContractForm(ZBotForm, botInput(bot));
  const engine = useWatch({ control: form.control, name: 'engine' }) ?? 'knowledge_base';

  const save = async (body: BotRequest) => {
    onSaved(bot ? await api.put(`/bots/${bot.id}`, body, ZBot) : await api.post('/bots', body, ZBot));
  };

  return (
    <ContractFormDialog
      title={bot ? `Edit ${bot.name}` : 'New bot'}
      submitLabel={bot ? 'Save bot' : 'Create bot'}
      form={form}
      fields={FIELDS}
      fieldByCode={{ [BotsErrorCode.NameTaken]: 'name' }}
      onSubmit={save}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field label="Name" required maxLength={100} {...bindField(form, 'name')} />
        <div className="stack setup-tight">
          <SelectField label="Engine" {...form.register('engine')}>
            {Object.entries(ENGINES).map(([value, { label }]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="field__hint">{ENGINES[engine].hint}</div>
        </div>
      </div>
      <CheckboxField label="Enabled: answers customers on its channels" {...form.register('enabled')} />

      <Controller
        control={form.control}
        name="allowedQueueIds"
        render={({ field, fieldState }) => (
          <HandoffQueues
            queues={queues}
            engine={engine}
            value={field.value ?? []}
            onChange={field.onChange}
            error={fieldState.error?.message}
          />
        )}
      />

      <fieldset className="setup-fieldset">
        <legend>When to hand off</legend>
        <div className="form-grid">
          <Field
            label="Confidence threshold (%)"
            type="number"
            required
            min={0}
            max={100}
            step={1}
            {...bindField(form, 'confidenceThreshold')}
            hint={
              engine === 'knowledge_base'
                ? 'Below this match with the best article the bot hands off instead of answering. Try questions on the Knowledge base screen to tune it.'
                : 'Articles matching below this are not offered to the model as relevant.'
            }
          />
          {engine === 'knowledge_base' && (
            <Field
              label="Unhelpful answers before handoff"
              type="number"
              required
              min={1}
              max={10}
              step={1}
              {...bindField(form, 'maxUnhelpfulTurns', { valueAsNumber: true })}
              hint="1–10. After the customer says this many answers did not help, a person takes over."
            />
          )}
        </div>
      </fieldset>

      {engine === 'llm' && (
        <fieldset className="setup-fieldset">
          <legend>Language model</legend>
          <TextAreaField
            label="Instructions (system prompt)"
            rows={8}
            maxLength={8000}
            {...bindField(form, 'systemPrompt')}
            hint="Tone, what the bot may help with, and what it must never promise. Baton adds its own rules for searching articles and handing off."
          />
          <Field
            label="Model"
            maxLength={100}
            spellCheck={false}
            placeholder="Server default (OPENAI_MODEL)"
            {...bindField(form, 'model')}
            hint="Leave empty to use the server’s default model."
          />
        </fieldset>
      )}
    </ContractFormDialog>
  );
}
